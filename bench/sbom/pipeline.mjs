// The pipeline-level comparison of bench/sbom/index.mjs: the temp project becomes a git repository
// with .github/workflows/sbom.yml, one job of two steps — `uses: sluice/scan@v1` (scans: sbom) and a
// `run:` step with the bench's cyclonedx-npm command — and `sluice run --json` reports each step's
// durationMs. The steps swap places on every other run, so neither always goes first.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { run } from "./support.mjs";

const SLUICE_OUTPUT = "sbom.sluice.cdx.json";
const CDX_OUTPUT = "sbom.cyclonedx-npm.cdx.json";

/**
 * Commits the project with the workflow (sluice run needs a commit); node_modules and the outputs
 * stay untracked. `cdxArgs` is the bench's cyclonedx-npm argv after node, ending in
 * `--output-file -`, which the step replaces with a file.
 */
export async function makeRepository(project, cdxArgs) {
  writeFileSync(
    path.join(project, ".gitignore"),
    `node_modules/\n.sluice/\n${SLUICE_OUTPUT}\n${CDX_OUTPUT}\n`,
  );
  mkdirSync(path.join(project, ".github", "workflows"), { recursive: true });
  writeWorkflow(project, cdxArgs, true);
  const git = (...args) =>
    run("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], {
      cwd: project,
    });
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-q", "-m", "sbom bench project");
}

function writeWorkflow(project, cdxArgs, sluiceFirst) {
  const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  const cdxCommand = [process.execPath, ...cdxArgs.slice(0, -1), CDX_OUTPUT].map(quote).join(" ");
  const sluiceStep = [
    "      - id: sluice",
    "        uses: sluice/scan@v1",
    "        with:",
    "          scans: sbom",
    "          format: cyclonedx",
    `          output: ${SLUICE_OUTPUT}`,
  ];
  const cdxStep = ["      - id: cyclonedx-npm", "        run: |", `          ${cdxCommand}`];
  const steps = sluiceFirst ? [...sluiceStep, ...cdxStep] : [...cdxStep, ...sluiceStep];
  const yaml = ["on: push", "jobs:", "  sbom:", "    runs-on: ubuntu-latest", "    steps:", ...steps, ""];
  writeFileSync(path.join(project, ".github", "workflows", "sbom.yml"), yaml.join("\n"));
}

/** One `sluice run --json` of the workflow: both steps' durationMs and both SBOMs. */
export async function runPipeline(cli, project, cdxArgs, sluiceFirst) {
  writeWorkflow(project, cdxArgs, sluiceFirst);
  const { stdout } = await run(process.execPath, [cli, "run", "--json"], { cwd: project });
  const result = JSON.parse(stdout);
  const steps = result.jobs.flatMap((j) => j.steps);
  const step = (id) => {
    const s = steps.find((x) => x.id === id);
    if (!s || s.conclusion !== "success")
      throw new Error(`step ${id} did not succeed: ${stdout.slice(-800)}`);
    return s.durationMs;
  };
  const read = (file) => JSON.parse(readFileSync(path.join(project, file), "utf8"));
  return {
    sluiceStepMs: step("sluice"),
    cdxStepMs: step("cyclonedx-npm"),
    sluiceDoc: read(SLUICE_OUTPUT),
    cdxDoc: read(CDX_OUTPUT),
  };
}
