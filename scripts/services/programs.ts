/**
 * Finding (and on Debian installing) the programs tests and benchmarks start, and free loopback
 * ports. DESIGN.md: under CI=true a missing service is a failure, never a skip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import net from "node:net";
import { createError } from "../../src/core/errors";

/** Absolute path of `program` on PATH (or /usr/sbin, where Debian puts nginx and haproxy), or null. */
export function findProgram(program: string): string | null {
  const path = `${process.env.PATH ?? ""}:/usr/sbin:/sbin`;
  const found = spawnSync("sh", ["-c", `command -v ${program}`], {
    env: { ...process.env, PATH: path },
    encoding: "utf8",
  });
  const out = found.stdout.trim();
  return found.status === 0 && out.startsWith("/") ? out : null;
}

let aptUpdated = false;

/**
 * The program's path, installing its Debian package with apt-get when it is missing and we are root.
 * Returns null when it is still missing — except under CI=true, where that throws
 * SLUICE_E_PREREQUISITE so a suite can never pass by skipping what it was meant to test.
 */
export function ensureProgram(program: string, aptPackage = program): string | null {
  let path = findProgram(program);
  if (path === null && process.getuid?.() === 0 && findProgram("apt-get") !== null) {
    try {
      if (!aptUpdated) execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore", timeout: 300_000 });
      aptUpdated = true;
      execFileSync("apt-get", ["install", "-y", "-qq", aptPackage], {
        stdio: "ignore",
        timeout: 600_000,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch {
      // Reported below as missing.
    }
    path = findProgram(program);
  }
  if (path === null && process.env.CI === "true") {
    throw createError(
      "SLUICE_E_PREREQUISITE",
      `${program} is missing and apt-get install ${aptPackage} failed.`,
    );
  }
  return path;
}

/** A port free on 127.0.0.1 right now (the kernel picks it; a race with other binders is possible). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port; rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
