/**
 * The job's own Python environment for `actions/setup-python` on the host. On GitHub each job gets a
 * fresh machine, so `pip install` there changes nothing that outlives the job; on a developer's
 * machine the same step would install into the host's interpreter. A virtual environment under the
 * job's RUNNER_TEMP (emptied when the job ends) keeps those installs to the job.
 *
 * It is made `--without-pip` with `--system-site-packages`: seeding pip costs ≈ 3.5 s per job
 * (ensurepip), while the host's pip module, imported by the environment's interpreter, installs into
 * the environment (pip installs into the running interpreter's prefix) in ≈ 0.1 s of setup. `pip` and
 * `pip3` are small scripts running `python -m pip`. Host packages stay importable, as preinstalled
 * packages are on a runner image.
 */
import { execFile } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Creates the environment in `dir`; its `bin/`, or null when the interpreter cannot make one. */
export async function createJobVenv(
  python: string,
  dir: string,
  env: Record<string, string>,
): Promise<string | null> {
  const made = await new Promise<boolean>((done) => {
    execFile(
      python,
      ["-m", "venv", "--without-pip", "--system-site-packages", dir],
      { env, timeout: 60_000 },
      (err) => done(!err),
    );
  });
  if (!made) return null;
  const bin = join(dir, "bin");
  for (const name of ["pip", "pip3"]) {
    const script = join(bin, name);
    await writeFile(script, `#!/bin/sh\nexec "${join(bin, "python")}" -m pip "$@"\n`);
    await chmod(script, 0o755);
  }
  return bin;
}
