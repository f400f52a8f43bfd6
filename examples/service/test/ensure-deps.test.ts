import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The compiled test lives in dist/test/; the script is plain JavaScript in scripts/.
const script = fileURLToPath(new URL("../../scripts/ensure-deps.mjs", import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project dir with a fake `npm` on PATH that logs each call and takes a while to "install". */
function project(): { dir: string; env: NodeJS.ProcessEnv; calls: () => number } {
  const dir = mkdtempSync(join(tmpdir(), "ensure-deps-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const npm = join(bin, "npm");
  writeFileSync(
    npm,
    "#!/bin/sh\necho call >> npm-calls.log\nsleep 0.3\nmkdir -p node_modules\necho {} > node_modules/.package-lock.json\n",
  );
  chmodSync(npm, 0o755);
  const log = join(dir, "npm-calls.log");
  return {
    dir,
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

function run(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { cwd, env }, (err, stdout) => {
      resolve({ code: err ? Number(err.code) : 0, stdout });
    });
  });
}

describe(
  "scripts/ensure-deps.mjs",
  { skip: process.platform === "win32" && "uses a POSIX shell script as fake npm" },
  () => {
    it("skips npm ci when node_modules holds a finished install", async () => {
      const { dir, env, calls } = project();
      mkdirSync(join(dir, "node_modules"));
      writeFileSync(join(dir, "node_modules", ".package-lock.json"), "{}");
      const { code, stdout } = await run(dir, env);
      assert.equal(code, 0);
      assert.match(stdout, /skipping npm ci/);
      assert.equal(calls(), 0);
    });

    it("installs once when several jobs ask at the same time, and leaves no lock behind", async () => {
      const { dir, env, calls } = project();
      const results = await Promise.all([run(dir, env), run(dir, env), run(dir, env)]);
      assert.deepEqual(
        results.map((r) => r.code),
        [0, 0, 0],
      );
      assert.equal(calls(), 1);
      assert.equal(existsSync(join(dir, ".ensure-deps.lock")), false);
    });

    it("takes over a lock left by a process that no longer exists", async () => {
      const { dir, env, calls } = project();
      // PIDs are below 2^22 on Linux, so this one cannot be alive.
      writeFileSync(join(dir, ".ensure-deps.lock"), "99999999");
      const { code } = await run(dir, env);
      assert.equal(code, 0);
      assert.equal(calls(), 1);
    });
  },
);
