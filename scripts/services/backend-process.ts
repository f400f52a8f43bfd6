/**
 * The test backend (node-backend.js) in its own process: what benchmarks need (the backend must not
 * share the proxy's event loop) and what a test uses to kill a backend the hard way.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface BackendProcess {
  version: string;
  host: string;
  port: number;
  pid: number;
  /** SIGTERM (close, finishing in-flight requests), SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const script = fileURLToPath(new URL("./node-backend.js", import.meta.url));

/** `script` overrides where node-backend.js is, for bundled callers whose import.meta.url moved. */
export function spawnNodeBackend(options: {
  version: string;
  host?: string;
  script?: string;
}): Promise<BackendProcess> {
  const host = options.host ?? "127.0.0.1";
  const child = spawn(
    process.execPath,
    [options.script ?? script, "--version", options.version, "--host", host],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (s: string) => {
      out += s;
      const line = out.split("\n")[0];
      if (!out.includes("\n") || line === undefined) return;
      const { port } = JSON.parse(line) as { port: number };
      let stopped: Promise<void> | null = null;
      resolve({
        version: options.version,
        host,
        port,
        pid: child.pid ?? -1,
        stop: (graceMs = 2000) =>
          (stopped ??= (async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
            await exited;
            clearTimeout(timer);
          })()),
      });
    });
    exited.then(() => reject(new Error(`node-backend ${options.version} exited before listening`)));
  });
}
