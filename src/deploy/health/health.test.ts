import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bodyProblem,
  emptyTracker,
  isHealthy,
  isUnhealthy,
  runHealthCheck,
  statusMatches,
  trackHealth,
} from "./index";
import type { HealthCheckSpec, HealthTracker } from "./index";

let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2000).unref();
      return;
    }
    if (req.url === "/down") {
      res.statusCode = 503;
      res.end("draining");
      return;
    }
    if (req.url === "/redirect") {
      res.statusCode = 302;
      res.setHeader("location", "/");
      res.end();
      return;
    }
    res.end(JSON.stringify({ status: "ok", version: "v2", echo: req.headers["x-probe"] ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

const at = () => ({ host: "127.0.0.1", port });

describe("http check", () => {
  it.each([
    ["/", {}, true, undefined],
    ["/down", {}, false, "status 503"],
    ["/down", { expectStatus: ["5xx"] }, true, undefined],
    ["/redirect", {}, true, undefined],
    ["/redirect", { expectStatus: [200] }, false, "status 302"],
    ["/", { bodyContains: '"status":"ok"' }, true, undefined],
    ["/", { bodyContains: "nope" }, false, 'body does not contain "nope"'],
    ["/", { bodyRegex: '"version":"v\\d"' }, true, undefined],
    ["/", { bodyRegex: "^<html" }, false, "body does not match /^<html/"],
  ] as const)("GET %s with %j → ok=%s", async (path, extra, ok, error) => {
    const r = await runHealthCheck({ type: "http", path, ...extra } as HealthCheckSpec, at());
    expect(r.ok).toBe(ok);
    expect(r.error).toBe(error);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("fails with a timeout, not an exception, when the instance is slow", async () => {
    const r = await runHealthCheck({ type: "http", path: "/slow", timeoutMs: 100 }, at());
    expect(r).toMatchObject({ ok: false, error: "timeout after 100ms" });
    expect(r.latencyMs).toBeGreaterThanOrEqual(90);
    expect(r.latencyMs).toBeLessThan(1500);
  });

  it("reports a refused connection by its code", async () => {
    const r = await runHealthCheck({ type: "http" }, { host: "127.0.0.1", port: await closedPort() });
    expect(r).toMatchObject({ ok: false, error: "ECONNREFUSED" });
  });

  it("sends headers and honours an absolute url", async () => {
    const r = await runHealthCheck(
      {
        type: "http",
        url: `http://127.0.0.1:${port}/`,
        headers: { "x-probe": "p1" },
        bodyContains: '"echo":"p1"',
      },
      { host: "10.255.255.1", port: 1 },
    );
    expect(r.ok).toBe(true);
  });

  it("resolves as aborted when cancelled", async () => {
    const ac = new AbortController();
    const p = runHealthCheck({ type: "http", path: "/slow", timeoutMs: 5000 }, at(), { signal: ac.signal });
    ac.abort();
    expect(await p).toMatchObject({ ok: false, error: "aborted" });
  });

  it("uses the injected clock for latency", async () => {
    let t = 1000;
    const r = await runHealthCheck({ type: "http" }, at(), { clock: () => (t += 7) });
    expect(r.latencyMs).toBe(7);
  });

  it("matches statuses and bodies (pure helpers)", () => {
    expect(statusMatches(204, undefined)).toBe(true);
    expect(statusMatches(404, undefined)).toBe(false);
    expect(statusMatches(404, ["404"])).toBe(true);
    expect(statusMatches(201, [200, "2XX"])).toBe(true);
    expect(bodyProblem("x", { bodyRegex: "(" })).toMatch(/invalid bodyRegex/);
  });
});

describe("tcp check", () => {
  it("passes when a connection is accepted and fails when refused", async () => {
    expect((await runHealthCheck({ type: "tcp" }, at())).ok).toBe(true);
    const closed = await closedPort();
    expect(await runHealthCheck({ type: "tcp", port: closed }, at())).toMatchObject({
      ok: false,
      error: "ECONNREFUSED",
    });
  });
});

describe("command check", () => {
  it("passes on exit 0 with the instance's HOST and PORT in its environment", async () => {
    const r = await runHealthCheck(
      { type: "command", command: "sh", args: ["-c", 'test "$PORT" = 4321 && test "$HOST" = 127.0.0.1'] },
      { host: "127.0.0.1", port: 4321 },
    );
    expect(r.ok).toBe(true);
  });

  it("fails with the exit status and the tail of stderr", async () => {
    const r = await runHealthCheck(
      { type: "command", command: "sh", args: ["-c", "echo broken >&2; exit 3"] },
      at(),
    );
    expect(r).toMatchObject({ ok: false, error: "exit status 3: broken" });
  });

  it("kills the whole process group on timeout, background children included", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-health-"));
    const pidFile = path.join(dir, "bg.pid");
    const r = await runHealthCheck(
      {
        type: "command",
        command: "sh",
        args: ["-c", `sleep 30 & echo $! > ${pidFile}; sleep 30`],
        timeoutMs: 150,
      },
      at(),
    );
    expect(r).toMatchObject({ ok: false, error: "timeout after 150ms" });
    const bg = Number(readFileSync(pidFile, "utf8"));
    // SIGKILL is immediate, but on a loaded machine the orphan can stay a zombie until init reaps it.
    const gone = async (): Promise<boolean> => {
      for (let i = 0; i < 60; i++) {
        if (!running(bg)) return true;
        await new Promise((res) => setTimeout(res, 50));
      }
      return false;
    };
    expect(await gone()).toBe(true);
  });

  it("reports a missing program by its code", async () => {
    const r = await runHealthCheck({ type: "command", command: "/nonexistent/probe" }, at());
    expect(r).toMatchObject({ ok: false, error: "ENOENT" });
  });
});

describe("registry", () => {
  it("refuses an unknown type as a config error", () => {
    expect(() => runHealthCheck({ type: "grpc" } as never, at())).toThrow(
      expect.objectContaining({ code: "SLUICE_E_CONFIG" }),
    );
  });
});

describe("consecutive failure tracker (table)", () => {
  const cases: { results: boolean[]; failures: number; successes: number; unhealthyAt3: boolean }[] = [
    { results: [], failures: 0, successes: 0, unhealthyAt3: false },
    { results: [false, false], failures: 2, successes: 0, unhealthyAt3: false },
    { results: [false, false, false], failures: 3, successes: 0, unhealthyAt3: true },
    { results: [false, false, true, false, false], failures: 2, successes: 0, unhealthyAt3: false },
    { results: [false, false, false, true], failures: 0, successes: 1, unhealthyAt3: false },
    { results: [true, true, true], failures: 0, successes: 3, unhealthyAt3: false },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.results)} → ${c.failures} failing, ${c.successes} passing in a row`, () => {
      let t: HealthTracker = emptyTracker;
      for (const ok of c.results) t = trackHealth(t, ok ? { ok } : { ok, error: "503" });
      expect(t.consecutiveFailures).toBe(c.failures);
      expect(t.consecutiveSuccesses).toBe(c.successes);
      expect(t.total).toBe(c.results.length);
      expect(isUnhealthy(t, 3)).toBe(c.unhealthyAt3);
      expect(isHealthy(t, 1)).toBe(c.results.at(-1) === true);
    });
  }

  it("never changes its input and keeps the last error through passes", () => {
    const t1 = trackHealth(emptyTracker, { ok: false, error: "timeout" });
    const t2 = trackHealth(t1, { ok: true });
    expect(t1.consecutiveFailures).toBe(1);
    expect(t2.lastError).toBe("timeout");
    expect(isUnhealthy(t2, 0)).toBe(false);
  });
});

/** Alive and not a zombie (a killed, not yet reaped process still answers signal 0). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
