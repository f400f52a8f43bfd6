/**
 * `sluice scan`: secrets, vulnerable dependencies, licences and policy, offline; SARIF, JSON, tables;
 * SBOMs. Scanners are imported when the command runs: `scan sbom` loads only the SBOM code.
 */
import path from "node:path";
import { createError, formatProblem } from "../../core/errors";
import { readRepositoryRoot } from "../../engine/git-info";
import type { ScanSeverity } from "../../scan/types";
import type { CliIO } from "../io";
import type { RegisterCommand } from "./index";

interface ScanFlags {
  sarif?: string;
  json?: boolean;
  summary?: string;
  failOn: ScanSeverity | "none";
  staged?: boolean;
  history?: boolean;
  baseline?: string;
  writeBaseline?: boolean;
  maxFileSize?: string;
  db?: string;
  online?: boolean;
  format: "cyclonedx" | "spdx";
  output?: string;
}

declare const __SLUICE_VERSION__: string;
const version = typeof __SLUICE_VERSION__ === "string" ? __SLUICE_VERSION__ : "0.0.0";

export const registerScan: RegisterCommand = (program, io, done) => {
  program
    .command("scan")
    .description(
      "Scan for secrets, vulnerable dependencies (OSV), licences and policy violations; `scan sbom` writes an SBOM",
    )
    .argument("[kinds...]", "secrets, deps, license, policy, all (default), or sbom")
    .option("--sarif <file>", "write SARIF 2.1.0 to this file")
    .option("--json", "print the findings as JSON")
    .option("--summary <file>", "append a Markdown summary (default: $GITHUB_STEP_SUMMARY when set)")
    .option(
      "--fail-on <severity>",
      "exit 1 when a finding is at or above: critical, high, medium, low, info, none",
      "high",
    )
    .option("--staged", "secrets: scan staged changes only")
    .option("--history", "secrets: scan the whole git history")
    .option("--baseline <file>", "secrets: ignore the fingerprints in this file (it must exist)")
    .option("--write-baseline", "secrets: record the current findings in the baseline file")
    .option("--max-file-size <size>", "secrets: skip larger files (e.g. 50MiB; default 10MiB)")
    .option(
      "--db <path>",
      "deps: OSV database (folder or all.zip; default .sluice/osv after `sluice db import`)",
    )
    .option("--online", "deps: also query the OSV API")
    .option("--format <format>", "sbom: cyclonedx (1.6 JSON) or spdx (2.3 JSON)", "cyclonedx")
    .option("--output <file>", "sbom: write to this file instead of stdout")
    .action(async (words: string[], flags: ScanFlags) => {
      const root = readRepositoryRoot(io.cwd, io.env);
      // An SBOM depends on the lockfiles and scan.exclude alone: the configuration module (and the
      // schema code that checks sluice.yml) is not loaded for it.
      if (words.includes("sbom")) {
        done(await writeSbom(io, root, flags));
        return;
      }
      const { loadConfig } = await import("../../config/index");
      const { config } = await loadConfig(root);
      if (!["critical", "high", "medium", "low", "info", "none"].includes(flags.failOn)) {
        throw createError(
          "SLUICE_E_USAGE",
          `--fail-on must be critical, high, medium, low, info or none, not "${flags.failOn}"`,
        );
      }
      const maxFileBytes = await maxFileSize(flags.maxFileSize);
      const { failsAt, namedKinds, parseKinds, runScans, scanFailure } = await import("../../scan/run-scan");
      const { renderScanMarkdown, renderScanText } = await import("../../scan/render");
      const { writeOutput } = await import("../../scan/output");
      const results = await runScans({
        root,
        config,
        kinds: parseKinds(words),
        required: namedKinds(words),
        secrets: {
          mode: flags.history ? "history" : flags.staged ? "staged" : "tree",
          baseline: flags.baseline,
          writeBaseline: flags.writeBaseline,
          maxFileBytes,
        },
        // A path on the command line is relative to where the user is, not to the repository root.
        deps: {
          db: flags.db === undefined ? undefined : path.resolve(io.cwd, flags.db),
          online: flags.online,
        },
        version,
      });
      if (flags.sarif) {
        const { toSarif } = await import("../../scan/sarif");
        const sarif = JSON.stringify(toSarif(results, root, version), null, 2) + "\n";
        await writeOutput(path.resolve(io.cwd, flags.sarif), sarif, "--sarif");
      }
      const summary = flags.summary ?? io.env.GITHUB_STEP_SUMMARY;
      if (summary)
        await writeOutput(path.resolve(io.cwd, summary), renderScanMarkdown(results), "--summary", true);
      // After the reports: a rule that could not be evaluated, or a named scanner that could not
      // run, fails the command whatever --fail-on says (exit 2, its code).
      const failure = scanFailure(results);
      if (!flags.json) {
        io.stdout.write(renderScanText(results, io.stdout.isTTY === true && !io.env.NO_COLOR));
        if (failure) throw failure;
      } else if (failure) {
        // --json prints one object: the results, with the fields a failed command's JSON has
        // (docs/errors.md); the error goes to stderr as any error does.
        const problems = results.flatMap((r) => r.errors ?? []);
        const { code, exitCode, message } = failure;
        const error = { status: "error", code, exitCode, message, problems };
        io.stdout.write(JSON.stringify({ ...error, results }, null, 2) + "\n");
        io.stderr.write(
          problems.map((p, i) => `${i === 0 ? "error: " : "  "}${formatProblem(p)}\n`).join(""),
        );
        done(exitCode);
        return;
      } else {
        io.stdout.write(JSON.stringify({ results }, null, 2) + "\n");
      }
      done(failsAt(results, flags.failOn) ? 1 : 0);
    });
};

/** `--max-file-size` in bytes; a usage error when it is not a size. */
async function maxFileSize(flag: string | undefined): Promise<number | undefined> {
  if (flag === undefined) return undefined;
  const { BYTE_SIZE_HINT, parseByteSize } = await import("../../config/byte-size");
  const bytes = parseByteSize(flag);
  if (bytes === undefined)
    throw createError("SLUICE_E_USAGE", `--max-file-size must be ${BYTE_SIZE_HINT}, not "${flag}"`);
  return bytes;
}

async function writeSbom(io: CliIO, root: string, flags: ScanFlags): Promise<0> {
  if (flags.format !== "cyclonedx" && flags.format !== "spdx") {
    throw createError("SLUICE_E_USAGE", `--format must be cyclonedx or spdx, not "${flags.format}"`);
  }
  // generate, not the SBOM module's index: the index loads both writers.
  const [{ sbomDocumentText }, { readScanExclude }] = await Promise.all([
    import("../../scan/sbom/generate"),
    import("../../scan/sbom/exclude"),
  ]);
  const text = await sbomDocumentText(root, flags.format, await readScanExclude(root));
  if (flags.output) {
    const { writeOutput } = await import("../../scan/output");
    await writeOutput(path.resolve(io.cwd, flags.output), text, "--output");
    io.stderr.write(`wrote ${flags.format} SBOM to ${flags.output}\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}
