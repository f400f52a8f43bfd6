/** A tiny HTTP server script for process target tests, written to a temp dir; behaviour set by env. */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const SERVER = `
import http from "node:http";
import { spawn } from "node:child_process";
import fs from "node:fs";
const port = Number(process.env.PORT);
const env = process.env;
if (env.BUSY) setInterval(() => { const end = Date.now() + 45; while (Date.now() < end); }, 50);
if (env.CRASH_AFTER_MS) setTimeout(() => process.exit(1), Number(env.CRASH_AFTER_MS));
if (env.GRANDCHILD_DIR) {
  const c = spawn("sleep", ["1000"], { stdio: "ignore" });
  fs.writeFileSync(env.GRANDCHILD_DIR + "/" + port + ".pid", String(c.pid));
}
const server = http.createServer((req, res) => {
  if (req.url === "/health" && env.UNHEALTHY) { res.statusCode = 500; return res.end("{}"); }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ version: env.VERSION, port, instance: env.SLUICE_INSTANCE, pid: process.pid, greeting: env.GREETING ?? null }));
});
process.on("SIGTERM", () => {
  if (env.IGNORE_TERM) return;
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 100).unref();
});
setTimeout(() => server.listen(port, "127.0.0.1"), Number(env.LISTEN_DELAY_MS ?? 0));
`;

export function writeServer(): { dir: string; script: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-target-"));
  const script = path.join(dir, "server.mjs");
  writeFileSync(script, SERVER);
  return { dir, script };
}
