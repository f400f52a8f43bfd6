/**
 * Starts a real HAProxy in a temp dir on a free loopback port, with an admin stats socket, for router
 * tests and the router benchmark. The haproxy Router (runtime API weights, hitless reloads) is built
 * on its own; this only runs the program, from a config it is given or a plain keep-alive proxy.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Backend } from "../../src/deploy/router/types";
import { ensureProgram, freePort } from "./programs";
import { startService } from "./service-process";
import type { RunningService } from "./service-process";

export interface HaproxyOptions {
  /** Servers of a single backend (ignored when `proxies` is given). */
  backends?: Backend[];
  /** The config after `global`/`defaults`, with `{{port}}` where the listen port goes. */
  proxies?: string;
  /** nbthread; default: HAProxy's own (one per core). */
  threads?: number;
  port?: number;
}

export interface RunningHaproxy extends RunningService {
  /** The admin socket of the runtime API (`set weight`, `show stat`). */
  socket: string;
}

/** Null when haproxy is missing and could not be installed (throws instead under CI=true). */
export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy | null> {
  const haproxy = ensureProgram("haproxy");
  if (haproxy === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-haproxy-"));
  const port = options.port ?? (await freePort());
  const socket = path.join(dir, "admin.sock");
  const proxies = (options.proxies ?? proxySection(options.backends ?? [])).replaceAll(
    "{{port}}",
    String(port),
  );
  const config = [
    "global",
    "  maxconn 4096",
    `  stats socket ${socket} mode 600 level admin`,
    ...(options.threads === undefined ? [] : [`  nbthread ${options.threads}`]),
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  option http-keep-alive",
    proxies,
    "",
  ].join("\n");
  const file = path.join(dir, "haproxy.cfg");
  writeFileSync(file, config);
  // -db: foreground, no daemon; SIGUSR1 is HAProxy's soft stop (finish connections, then exit).
  const service = await startService({
    command: haproxy,
    args: ["-f", file, "-db"],
    dir,
    host: "127.0.0.1",
    port,
    stopSignal: "SIGUSR1",
  });
  return { ...service, socket };
}

/** One frontend to one backend with server-side connection reuse (HAProxy's `http-reuse always`). */
export function proxySection(backends: Backend[]): string {
  return [
    "frontend fe",
    "  bind 127.0.0.1:{{port}}",
    "  default_backend be",
    "backend be",
    "  http-reuse always",
    ...backends.map((b, i) => `  server s${i + 1} ${b.host}:${b.port}`),
  ].join("\n");
}
