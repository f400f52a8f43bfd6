import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { contractWindow, describeMetricProviderContract } from "./contract";
import { startFakeServer, unusedAddress } from "./fake-server";
import type { FakeResponse, FakeServer } from "./fake-server";
import { createPrometheusProvider } from "./prometheus";
import type { PrometheusMetricProvider } from "./prometheus";

const ok = (data: unknown): FakeResponse => ({ json: { status: "success", data } });
const vector = (...values: string[]) =>
  ok({
    resultType: "vector",
    result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1893456090, v] })),
  });

/** A fake Prometheus HTTP API answering a fixed set of PromQL queries, as the real one shapes them. */
function prometheusApi(url: URL): FakeResponse {
  const query = url.searchParams.get("query") ?? "";
  if (url.pathname === "/api/v1/query_range") {
    if (query === "latency") {
      return ok({
        resultType: "matrix",
        result: [
          {
            metric: {},
            values: [
              [1, "120"],
              [2, "NaN"],
              [3, "140.5"],
            ],
          },
        ],
      });
    }
    if (query === "all_nan")
      return ok({ resultType: "matrix", result: [{ metric: {}, values: [[1, "NaN"]] }] });
    return ok({ resultType: "matrix", result: [] });
  }
  if (url.pathname !== "/api/v1/query") return { status: 404, text: "404 page not found" };
  switch (query) {
    case "up":
      return vector("0.25");
    case "scalar(up)":
      return ok({ resultType: "scalar", result: [1893456090, "42"] });
    case "sum(errors) / sum(requests)":
      return vector("NaN");
    case "errors":
      return vector("1", "2");
    case "missing":
      return ok({ resultType: "vector", result: [] });
    case "rate(x[90s])":
      return vector("7");
    case 'rate(x{version="canary"}[1m])':
      return vector("3");
    case "slow":
      return "hang";
    default:
      return {
        status: 400,
        json: { status: "error", errorType: "bad_data", error: `1:5: parse error: unexpected "${query}"` },
      };
  }
}

describeMetricProviderContract("prometheus", async () => {
  const server = await startFakeServer(prometheusApi);
  return {
    provider: createPrometheusProvider({ type: "prometheus", address: server.url }, {}),
    okQuery: { name: "ratio", query: "up" },
    expected: 0.25,
    badQuery: { name: "bad", query: "sum(" },
    unreachable: {
      provider: createPrometheusProvider({ type: "prometheus", address: await unusedAddress() }, {}),
      query: { name: "ratio", query: "up" },
    },
    hanging: {
      provider: createPrometheusProvider({ type: "prometheus", address: server.url, timeoutMs: 300 }, {}),
      query: { name: "slow", query: "slow" },
      timeoutMs: 300,
    },
    close: () => server.close(),
  };
});

describe("prometheus provider", () => {
  let server: FakeServer;
  let provider: PrometheusMetricProvider;
  beforeAll(async () => {
    server = await startFakeServer(prometheusApi);
    provider = createPrometheusProvider({ type: "prometheus", address: `${server.url}/` }, {});
  });
  afterAll(() => server.close());

  it("sends an instant query at the window's end", async () => {
    const before = server.requests.length;
    await provider.query({ name: "x", query: "up" }, contractWindow);
    const url = server.requests[before]!;
    expect(url.pathname).toBe("/api/v1/query");
    expect(url.searchParams.get("time")).toBe((contractWindow.end.getTime() / 1000).toFixed(3));
  });

  it("reads scalar results", async () => {
    expect(await provider.query({ name: "x", query: "scalar(up)" }, contractWindow)).toMatchObject({
      phase: "ok",
      value: 42,
    });
  });

  it("reports NaN (0/0 over an empty window) as an error with the reason", async () => {
    const m = await provider.query(
      { name: "errorRate", query: "sum(errors) / sum(requests)" },
      contractWindow,
    );
    expect(m.phase).toBe("error");
    expect(m.error).toMatch(/NaN/);
  });

  it("reports an empty vector and several series as errors", async () => {
    expect((await provider.query({ name: "x", query: "missing" }, contractWindow)).error).toMatch(
      /empty result/,
    );
    expect((await provider.query({ name: "x", query: "errors" }, contractWindow)).error).toMatch(
      /2 series.*sum\(/,
    );
  });

  it("passes Prometheus' own explanation of a rejected query along", async () => {
    const m = await provider.query({ name: "x", query: "sum(" }, contractWindow);
    expect(m.error).toMatch(/bad_data.*parse error/);
  });

  it("runs range queries over the window and returns the points as samples, NaN dropped", async () => {
    const before = server.requests.length;
    const m = await provider.query(
      { name: "latency", query: "latency", options: { range: true, stepSeconds: 15 } },
      contractWindow,
    );
    expect(m).toMatchObject({ phase: "ok", samples: [120, 140.5], count: 2, value: 140.5 });
    const url = server.requests[before]!;
    expect(url.pathname).toBe("/api/v1/query_range");
    expect(url.searchParams.get("start")).toBe((contractWindow.start.getTime() / 1000).toFixed(3));
    expect(url.searchParams.get("end")).toBe((contractWindow.end.getTime() / 1000).toFixed(3));
    expect(url.searchParams.get("step")).toBe("15");
  });

  it("chooses a range step from the window when none is given", async () => {
    const before = server.requests.length;
    await provider.query({ name: "latency", query: "latency", options: { range: true } }, contractWindow);
    expect(server.requests[before]!.searchParams.get("step")).toBe("1");
  });

  it("reports a range with only NaN points or no series as an error", async () => {
    expect(
      (await provider.query({ name: "x", query: "all_nan", options: { range: true } }, contractWindow)).error,
    ).toMatch(/NaN/);
    expect(
      (await provider.query({ name: "x", query: "none", options: { range: true } }, contractWindow)).error,
    ).toMatch(/empty/);
  });

  it("substitutes {{window}} and {{version}} in the PromQL", async () => {
    expect(await provider.query({ name: "x", query: "rate(x[{{window}}])" }, contractWindow)).toMatchObject({
      value: 7,
    });
    const q = { name: "x", query: 'rate(x{version="{{version}}"}[1m])', version: "canary" };
    expect(await provider.query(q, contractWindow)).toMatchObject({ value: 3 });
  });

  it("reports invalid per-query options as an error measurement", async () => {
    const m = await provider.query({ name: "x", query: "up", options: { stepSeconds: -1 } }, contractWindow);
    expect(m.phase).toBe("error");
  });

  it("rejects an invalid config with SLUICE_E_ANALYSIS_CONFIG", () => {
    for (const bad of [
      { type: "prometheus" },
      { type: "prometheus", address: "ftp://x" },
      { type: "prometheus", address: "http://x", extra: 1 },
    ]) {
      try {
        createPrometheusProvider(bad, {});
        expect.unreachable();
      } catch (err) {
        expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ANALYSIS_CONFIG");
      }
    }
  });
});
