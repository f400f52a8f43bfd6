// Runs `npm ci` unless node_modules already holds a finished install, one installer at a time.
//
// On GitHub every job starts on a fresh runner, so this always installs. Run locally by Sluice, the jobs of
// a workflow share one working tree: node_modules may already be there (a developer's install, or the link
// `sluice demo` makes to Sluice's own toolchain), and jobs running in parallel (lint and test) would
// otherwise run two `npm ci` into the same directory at once and break each other's install. A lock file
// makes one job install while the others wait and then find the finished install.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";

// npm writes this file at the end of every install, so its presence means a completed install.
const MARKER = "node_modules/.package-lock.json";
const LOCK = ".ensure-deps.lock";
const WAIT_LIMIT_MS = 10 * 60 * 1000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True when the process that wrote the lock is gone, so the lock is stale (a killed job). */
function lockIsStale() {
  let pid;
  try {
    pid = Number(readFileSync(LOCK, "utf8"));
  } catch {
    return false; // removed meanwhile: simply try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false; // just created, pid not written yet
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === "ESRCH";
  }
}

function acquireLock() {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let announced = false;
  while (true) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    if (lockIsStale()) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${LOCK} after ${WAIT_LIMIT_MS / 1000}s`);
    if (!announced) console.log("another job is installing dependencies; waiting for it");
    announced = true;
    sleep(250);
  }
}

if (existsSync(MARKER)) {
  console.log("node_modules is already installed; skipping npm ci");
} else {
  acquireLock();
  try {
    if (existsSync(MARKER)) {
      console.log("node_modules was installed by another job; skipping npm ci");
    } else {
      const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
        stdio: "inherit",
        shell: process.platform === "win32",
      });
      if (npm.error) throw npm.error;
      process.exitCode = npm.status ?? 1;
    }
  } finally {
    rmSync(LOCK, { force: true });
  }
}
