import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractWindow, describeMetricProviderContract } from "./contract";
import { startFakeServer, unusedAddress } from "./fake-server";
import type { FakeResponse, FakeServer } from "./fake-server";
import { createHttpProvider } from "./http";
import type { HttpMetricProvider } from "./http";

function statsApi(url: URL): FakeResponse {
  switch (url.pathname) {
    case "/stats":
      return {
        json: {
          service: { errorRate: 0.012, requests: 500, errors: 6 },
          latencies: [12, 15, "18"],
          label: "x",
        },
      };
    case "/canary/stats":
      return { json: { errorRate: 0.5 } };
    case "/text":
      return { text: "<html>oops</html>" };
    case "/down":
      return { status: 503, json: { message: "unavailable" } };
    case "/slow":
      return "hang";
    default:
      return { status: 404, json: {} };
  }
}

describeMetricProviderContract("http", async () => {
  const server = await startFakeServer(statsApi);
  return {
    provider: createHttpProvider({ type: "http" }, {}),
    okQuery: {
      name: "errorRate",
      query: `${server.url}/stats`,
      options: { jsonPath: "$.service.errorRate" },
    },
    expected: 0.012,
    badQuery: { name: "errorRate", query: `${server.url}/down` },
    unreachable: {
      provider: createHttpProvider({ type: "http" }, {}),
      query: { name: "e", query: `${await unusedAddress()}/stats` },
    },
    hanging: {
      provider: createHttpProvider({ type: "http", timeoutMs: 300 }, {}),
      query: { name: "x", query: `${server.url}/slow` },
      timeoutMs: 300,
    },
    close: () => server.close(),
  };
});

describe("http provider", () => {
  let server: FakeServer;
  let provider: HttpMetricProvider;
  beforeAll(async () => {
    server = await startFakeServer(statsApi);
    provider = createHttpProvider({ type: "http", headers: { authorization: "Bearer t" } }, {});
  });
  afterAll(() => server.close());

  it("reads counts beside the value for minimum-sample rules", async () => {
    const q = {
      name: "errorRate",
      query: `${server.url}/stats`,
      options: {
        jsonPath: "service.errorRate",
        countPath: "service.requests",
        eventsPath: "$.service.errors",
      },
    };
    expect(await provider.query(q, contractWindow)).toMatchObject({
      phase: "ok",
      value: 0.012,
      count: 500,
      events: 6,
    });
  });

  it("turns an array of numbers into samples", async () => {
    const m = await provider.query(
      { name: "latency", query: `${server.url}/stats`, options: { jsonPath: "$.latencies" } },
      contractWindow,
    );
    expect(m).toMatchObject({ phase: "ok", samples: [12, 15, 18], count: 3 });
  });

  it("substitutes {{version}} (URL-encoded) into the URL", async () => {
    const q = {
      name: "e",
      query: `${server.url}/{{version}}/stats`,
      version: "canary",
      options: { jsonPath: "errorRate" },
    };
    expect(await provider.query(q, contractWindow)).toMatchObject({ value: 0.5 });
  });

  it("explains what is wrong: missing keys, non-numbers, non-JSON, HTTP errors", async () => {
    const at = (path: string, jsonPath = "$") =>
      provider.query({ name: "m", query: `${server.url}${path}`, options: { jsonPath } }, contractWindow);
    expect((await at("/stats", "$.service.p95")).error).toMatch(/no key "p95"/);
    expect((await at("/stats", "$.label")).error).toMatch(/"x" is not a number/);
    expect((await at("/stats", "$.latencies[7]")).error).toMatch(/out of range/);
    expect((await at("/text")).error).toMatch(/did not return JSON/);
    expect((await at("/down")).error).toMatch(/HTTP 503/);
  });

  it("keeps credentials in URLs out of error messages", async () => {
    const m = await provider.query(
      { name: "m", query: `http://user:secret@127.0.0.1:1/x?token=abc` },
      contractWindow,
    );
    expect(m.phase).toBe("error");
    expect(m.error).not.toMatch(/secret|abc/);
  });

  it("reports an invalid JSON path option as an error measurement", async () => {
    const m = await provider.query(
      { name: "m", query: `${server.url}/stats`, options: { jsonPath: "a..b" } },
      contractWindow,
    );
    expect(m.phase).toBe("error");
  });

  it("uses the injected fetch", async () => {
    const fake = (async () => new Response(JSON.stringify({ v: 9 }))) as unknown as typeof fetch;
    const p = createHttpProvider({ type: "http" }, { fetch: fake });
    expect(
      await p.query(
        { name: "m", query: "http://example.invalid/", options: { jsonPath: "v" } },
        contractWindow,
      ),
    ).toMatchObject({ value: 9 });
  });

  it("reaches an unused address only as an error", async () => {
    const m = await provider.query({ name: "m", query: `${await unusedAddress()}/stats` }, contractWindow);
    expect(m.error).toMatch(/failed|ECONNREFUSED/);
  });
});
