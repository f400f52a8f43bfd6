/**
 * `actions/setup-python` on the host: succeeds when a host Python satisfies `python-version` (or the
 * `python-version-file`), putting it first on PATH as both `python` and `python3`, inside a virtual
 * environment of the job (python-venv.ts) so that `pip install` leaves the host alone. Nothing is
 * downloaded.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, symlink, rm } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import semver from "semver";
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext } from "../types";
import { createJobVenv } from "./python-venv";

interface PythonCandidate {
  binary: string;
  version: string;
}

function versionOf(binary: string, ctx: BuiltinContext): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(binary, ["--version"], { env: ctx.env, timeout: 10_000 }, (err, stdout, stderr) => {
      // Python 2 printed its version on stderr.
      const m = /Python (\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`);
      done(err || !m ? undefined : m[1]);
    });
  });
}

/** `python3` and `python` found on the step's PATH, in PATH order. */
async function findHostPythons(ctx: BuiltinContext): Promise<PythonCandidate[]> {
  const out: PythonCandidate[] = [];
  for (const dir of (ctx.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of ["python3", "python"]) {
      const binary = join(dir, name);
      const version = await versionOf(binary, ctx);
      if (version && !out.some((c) => c.version === version)) out.push({ binary, version });
    }
  }
  return out;
}

/** `3.11` and `3.11.x` mean any 3.11 patch release, as setup-python reads them. */
export function pythonRange(spec: string): string | null {
  const s = spec.trim().replace(/^v/, "");
  if (/^\d+(\.\d+)?$/.test(s)) return `~${s}${s.includes(".") ? "" : ".0"}`.replace(/^~(\d+)\.0$/, "$1.x");
  return semver.validRange(s);
}

async function requestedSpec(ctx: BuiltinContext): Promise<string> {
  const version = ctx.input("python-version");
  if (version) return version.split("\n")[0]!.trim();
  const file = ctx.input("python-version-file");
  if (!file) return "";
  const text = await readFile(resolve(ctx.workspace, file), "utf8");
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() && !l.startsWith("#"))
      ?.trim() ?? ""
  );
}

export const setupPythonAction: BuiltinAction = {
  name: "actions/setup-python",
  async main(ctx) {
    const spec = await requestedSpec(ctx);
    const candidates = await findHostPythons(ctx);
    const range = spec ? pythonRange(spec) : "*";
    if (range === null)
      throw createError(
        "SLUICE_E_PYTHON_VERSION",
        `python-version "${spec}" is not a version Sluice can check offline`,
      );
    const match = candidates.find((c) => semver.satisfies(c.version, range));
    if (!match) {
      const have = candidates.map((c) => `${c.version} (${c.binary})`).join(", ") || "none on PATH";
      throw createError(
        "SLUICE_E_PYTHON_VERSION",
        `python-version "${spec}" is not available on this host (found: ${have}); Sluice does not download Python`,
      );
    }
    const temp = ctx.env.RUNNER_TEMP;
    const venv = temp
      ? await createJobVenv(match.binary, join(temp, `python-${match.version}`), ctx.env)
      : null;
    if (venv) {
      ctx.addPath(venv);
      ctx.setOutput("python-version", match.version);
      ctx.setOutput("python-path", join(venv, "python"));
      ctx.log(`Using host Python ${match.version} (${match.binary}) in a virtual environment of this job`);
      ctx.log("pip installs go into it and end with the job; host packages stay importable");
    } else {
      await shimPython(ctx, match);
      ctx.log(
        `Warning: could not create a virtual environment with ${match.binary}: pip installs go into the host's Python`,
      );
    }
    if (ctx.input("cache")) ctx.log(`cache: ${ctx.input("cache")} uses the host's package cache`);
    return { outcome: "success" };
  },
};

/** Without a virtual environment: a shim directory makes `python` and `python3` the interpreter. */
async function shimPython(ctx: BuiltinContext, match: PythonCandidate): Promise<void> {
  const shims = join(ctx.stateDir, "tool-cache", "python", match.version);
  await mkdir(shims, { recursive: true });
  for (const name of ["python", "python3"]) {
    await rm(join(shims, name), { force: true });
    await symlink(match.binary, join(shims, name));
  }
  ctx.addPath(shims);
  ctx.setOutput("python-version", match.version);
  ctx.setOutput("python-path", match.binary);
  ctx.log(`Using host Python ${match.version} (${match.binary})`);
}
