import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServiceConfig } from "../src/config.js";
import { createService, type Service, type ServiceDeps } from "../src/server.js";

async function start(
  config: Partial<ServiceConfig> = {},
  deps: ServiceDeps = {},
): Promise<{ service: Service; url: string }> {
  const service = createService({ port: 0, host: "127.0.0.1", version: "9.9.9", ...config }, deps);
  const { port } = await service.listen();
  return { service, url: `http://127.0.0.1:${port}` };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: text,
  });
}

describe("the API", () => {
  let service: Service;
  let url: string;
  before(async () => ({ service, url } = await start({}, { now: () => new Date("2025-05-05T00:00:00Z") })));
  after(() => service.shutdown());

  it("creates, lists and fetches items", async () => {
    const created = await postJson(`${url}/api/items`, { name: "widget", quantity: 3 });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("location"), "/api/items/1");
    assert.deepEqual(await created.json(), {
      id: "1",
      name: "widget",
      quantity: 3,
      createdAt: "2025-05-05T00:00:00.000Z",
    });

    const list = await fetch(`${url}/api/items`);
    assert.equal(list.status, 200);
    const body = (await list.json()) as { items: unknown[]; count: number };
    assert.equal(body.count, 1);

    const one = await fetch(`${url}/api/items/1`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { name: string }).name, "widget");
  });

  it("answers 404 for a missing item and 400 for a malformed id", async () => {
    const missing = await fetch(`${url}/api/items/999`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "not_found");
    const bad = await fetch(`${url}/api/items/abc`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, "invalid_id");
  });

  it("answers 400 with details for invalid items and invalid JSON", async () => {
    const invalid = await postJson(`${url}/api/items`, { name: "" });
    assert.equal(invalid.status, 400);
    const body = (await invalid.json()) as { error: { code: string; details: { field: string }[] } };
    assert.equal(body.error.code, "validation_failed");
    assert.deepEqual(
      body.error.details.map((d) => d.field),
      ["name"],
    );

    const broken = await postJson(`${url}/api/items`, "{not json");
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: { code: string } }).error.code, "invalid_json");
  });

  it("answers 415 for non-JSON bodies and 413 for oversized ones", async () => {
    const text = await fetch(`${url}/api/items`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    assert.equal(text.status, 415);
    await text.body?.cancel();
    const huge = await postJson(`${url}/api/items`, { name: "x".repeat(70_000) });
    assert.equal(huge.status, 413);
    await huge.body?.cancel();
  });

  it("answers 404 for unknown paths and 405 with Allow for wrong methods", async () => {
    const unknown = await fetch(`${url}/nope`);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const wrong = await fetch(`${url}/api/items/1`, { method: "DELETE" });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "GET, HEAD");
    await wrong.body?.cancel();
  });

  it("reports health with the version", async () => {
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-service-version"), "9.9.9");
    const body = (await res.json()) as {
      status: string;
      version: string;
      checks: { live: boolean; ready: boolean };
    };
    assert.equal(body.status, "ok");
    assert.equal(body.version, "9.9.9");
    assert.deepEqual(body.checks, { live: true, ready: true });
  });

  it("exposes Prometheus metrics for the requests it served", async () => {
    await (await fetch(`${url}/api/items`)).text();
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="\/api\/items",status="200"\} \d+$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="\/api\/items\/:id",status="404"\} 1$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    assert.match(
      text,
      /^http_request_duration_seconds_bucket\{method="GET",route="\/api\/items",le="\+Inf"\} \d+$/m,
    );
    assert.match(text, /^process_uptime_seconds \d+(\.\d+)?$/m);
    assert.match(text, /^service_info\{version="9.9.9"\} 1$/m);
    assert.ok(text.endsWith("\n"));
  });
});

describe("fault injection", () => {
  it("answers every API request with 500 when ERROR_RATE is 1, but keeps /health up", async () => {
    const { service, url } = await start({ errorRate: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${url}/api/items`);
        assert.equal(res.status, 500);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, "injected_failure");
      }
      assert.equal((await fetch(`${url}/health`)).status, 200);
      assert.equal(service.metrics.requests.get({ method: "GET", route: "/api/items", status: "500" }), 5);
    } finally {
      await service.shutdown();
    }
  });

  it("fails the share of requests drawn below ERROR_RATE", async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const { service, url } = await start({ errorRate: 0.5 }, { random: () => draws.shift() ?? 0.99 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${url}/api/items`);
        await res.body?.cancel();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [500, 200, 500, 200]);
    } finally {
      await service.shutdown();
    }
  });
});

describe("added latency", () => {
  it("delays API requests by LATENCY_MS plus jitter, but not /health", async () => {
    const { service, url } = await start({ latencyMs: 120, latencyJitterMs: 100 }, { random: () => 0.5 });
    try {
      let t = performance.now();
      await (await fetch(`${url}/api/items`)).text();
      assert.ok(performance.now() - t >= 165, "API request should take at least 120 + 0.5 * 100 ms");
      t = performance.now();
      await (await fetch(`${url}/health`)).text();
      assert.ok(performance.now() - t < 100, "/health must not be delayed");
    } finally {
      await service.shutdown();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes in-flight requests, refuses new connections and reports draining", async () => {
    const { service, url } = await start({ latencyMs: 300 });
    const inFlight = fetch(`${url}/api/items`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = service.shutdown();
    assert.equal(service.draining, true);
    assert.equal(service.shutdown(), closed, "shutdown is idempotent");

    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("connection"), "close");
    await res.text();
    const t = performance.now();
    await closed;
    assert.ok(performance.now() - t < 1000, "close must not wait for the keep-alive timeout");
    await assert.rejects(fetch(`${url}/health`));
  });

  it("closes the sockets of requests still running after the shutdown timeout", async () => {
    const { service, url } = await start({ latencyMs: 5_000, shutdownTimeoutMs: 100 });
    const stuck = fetch(`${url}/api/items`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t = performance.now();
    await service.shutdown();
    assert.ok(performance.now() - t < 1_000);
    await assert.rejects(stuck);
  });

  it("rejects listen() when the port is taken", async () => {
    const { service, url } = await start();
    try {
      const port = Number(new URL(url).port);
      await assert.rejects(createService({ port, host: "127.0.0.1" }).listen(), { code: "EADDRINUSE" });
    } finally {
      await service.shutdown();
    }
  });

  it("resolves at once when the server never listened", async () => {
    const service = createService({ port: 0 });
    await service.shutdown();
    assert.equal(service.draining, true);
  });
});
