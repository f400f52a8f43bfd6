/**
 * The example service, exercised from its TypeScript sources through real HTTP. The example has its own
 * node:test suite; this one guards what Sluice's deploy and analysis features rely on: health with the
 * version, Prometheus metrics in the text format, the API's answers, and ERROR_RATE turning into 500s.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../examples/service/src/config";
import { createService, type Service } from "../../examples/service/src/server";

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

async function start(env: Record<string, string> = {}): Promise<string> {
  const service = createService(loadConfig({ PORT: "0", VERSION: "2.0.0", ...env }));
  running.push(service);
  const { port } = await service.listen();
  return `http://127.0.0.1:${port}`;
}

/** Parses the text exposition into sample lines keyed by `name{labels}`; fails on any malformed line. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") types.set(meta[2] ?? "", meta[3] ?? "");
      continue;
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/.exec(line);
    expect(sample, `malformed exposition line: ${line}`).not.toBeNull();
    const value = Number(sample?.[3] === "+Inf" ? Infinity : sample?.[3]);
    expect(Number.isNaN(value), `bad value in: ${line}`).toBe(false);
    samples.set(`${sample?.[1]}${sample?.[2] ?? ""}`, value);
  }
  expect(types.get("http_requests_total")).toBe("counter");
  expect(types.get("http_request_duration_seconds")).toBe("histogram");
  return samples;
}

describe("example service", () => {
  it("reports liveness, readiness and its version on /health", async () => {
    const url = await start();
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      version: "2.0.0",
      checks: { live: true, ready: true },
    });
  });

  it("serves the items API with 201, 200, 400 and 404 answers", async () => {
    const url = await start();
    const created = await fetch(`${url}/api/items`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bolt", quantity: 5 }),
    });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string };
    expect(item).toMatchObject({ name: "bolt", quantity: 5 });

    expect(await (await fetch(`${url}/api/items/${item.id}`)).json()).toMatchObject({
      id: item.id,
      name: "bolt",
    });
    expect(await (await fetch(`${url}/api/items`)).json()).toMatchObject({ count: 1 });

    const invalid = await fetch(`${url}/api/items`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ quantity: -3 }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "validation_failed" } });
    const missing = await fetch(`${url}/api/items/12345`);
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
  });

  it("exposes well-formed Prometheus metrics that count requests by route and status", async () => {
    const url = await start();
    for (let i = 0; i < 3; i++) await (await fetch(`${url}/api/items`)).text();
    await (await fetch(`${url}/api/items/777`)).text();
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(await res.text());
    expect(samples.get('http_requests_total{method="GET",route="/api/items",status="200"}')).toBe(3);
    expect(samples.get('http_requests_total{method="GET",route="/api/items/:id",status="404"}')).toBe(1);
    expect(samples.get('http_request_duration_seconds_count{method="GET",route="/api/items"}')).toBe(3);
    expect(
      samples.get('http_request_duration_seconds_bucket{method="GET",route="/api/items",le="+Inf"}'),
    ).toBe(3);
    expect(samples.get("process_uptime_seconds")).toBeGreaterThan(0);
    expect(samples.get('service_info{version="2.0.0"}')).toBe(1);
  });

  it("answers API requests with 500 when ERROR_RATE=1, and shows it in the metrics", async () => {
    const url = await start({ ERROR_RATE: "1" });
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/api/items`);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ error: { code: "injected_failure" } });
    }
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const samples = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(samples.get('http_requests_total{method="GET",route="/api/items",status="500"}')).toBe(4);
  });
});
