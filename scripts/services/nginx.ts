/**
 * Starts a real nginx as a reverse proxy in a temp dir on a free loopback port, for router tests and
 * the router benchmark. The nginx Router (src/deploy/router/nginx) runs nginx itself — it owns the
 * config, reloads and stop — so its tests only take the binary from here (nginxProgram).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Backend } from "../../src/deploy/router/types";
import { ensureProgram, freePort } from "./programs";
import { startService } from "./service-process";
import type { RunningService } from "./service-process";

export interface NginxOptions {
  /** Backends of a single keep-alive upstream (ignored when `http` is given). */
  backends?: Backend[];
  /** The whole `http { }` block's contents, with `{{port}}` where the listen port goes. */
  http?: string;
  /** worker_processes; default `auto` (one per core), what a production nginx runs. */
  workers?: number | "auto";
  port?: number;
}

/**
 * The nginx binary for the nginx Router's tests (its `nginxPath` option): installed with apt when
 * missing; null when that failed (throws instead under CI=true).
 */
export function nginxProgram(): string | null {
  return ensureProgram("nginx");
}

/** Null when nginx is missing and could not be installed (throws instead under CI=true). */
export async function startNginx(options: NginxOptions): Promise<RunningService | null> {
  const nginx = ensureProgram("nginx");
  if (nginx === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-nginx-"));
  const port = options.port ?? (await freePort());
  const http = (options.http ?? proxyHttpBlock(options.backends ?? [])).replaceAll("{{port}}", String(port));
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `  ${t}_temp_path ${path.join(dir, t)};`)
    .join("\n");
  const config = [
    `worker_processes ${options.workers ?? "auto"};`,
    `pid ${path.join(dir, "nginx.pid")};`,
    `error_log ${path.join(dir, "error.log")} warn;`,
    "daemon off;",
    "events { worker_connections 4096; }",
    "http {",
    "  access_log off;",
    temp,
    http,
    "}",
    "",
  ].join("\n");
  const file = path.join(dir, "nginx.conf");
  writeFileSync(file, config);
  // -e: without it nginx opens /var/log/nginx/error.log before reading the config.
  return startService({
    command: nginx,
    args: ["-c", file, "-p", dir, "-e", path.join(dir, "error.log")],
    dir,
    host: "127.0.0.1",
    port,
    stopSignal: "SIGQUIT",
  });
}

/** A keep-alive reverse proxy to `backends`, as nginx's docs recommend for upstream keep-alive. */
export function proxyHttpBlock(backends: Backend[]): string {
  const servers = backends.map((b) => `    server ${b.host}:${b.port};`).join("\n");
  return [
    "  upstream backends {",
    servers,
    "    keepalive 64;",
    "  }",
    "  server {",
    "    listen 127.0.0.1:{{port}};",
    "    location / {",
    "      proxy_pass http://backends;",
    "      proxy_http_version 1.1;",
    '      proxy_set_header Connection "";',
    "    }",
    "  }",
  ].join("\n");
}
