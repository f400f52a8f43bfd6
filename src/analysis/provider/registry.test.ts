import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { createMetricProvider, metricProviderTypes } from "./registry";
import { parseJsonPath, selectJsonPath, toNumber } from "./json-path";

describe("metric provider registry", () => {
  it("creates providers by type", () => {
    expect(metricProviderTypes).toEqual(expect.arrayContaining(["http", "prometheus"]));
    expect(createMetricProvider({ type: "http" }).type).toBe("http");
    expect(createMetricProvider({ type: "prometheus", address: "http://127.0.0.1:9090" }).type).toBe(
      "prometheus",
    );
  });

  it("rejects an unknown or missing type as a config error", () => {
    for (const config of [{ type: "datadog" }, {}, null, { type: "toString" }]) {
      try {
        createMetricProvider(config);
        expect.unreachable();
      } catch (err) {
        expect(isSluiceError(err) && err.code).toBe("SLUICE_E_CONFIG");
      }
    }
  });

  it("lists every invalid option at once", () => {
    try {
      createMetricProvider({ type: "prometheus", address: "nope", timeoutMs: 0 });
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ANALYSIS_CONFIG");
      expect(isSluiceError(err) && err.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^provider\.address:/),
        expect.stringMatching(/^provider\.timeoutMs:/),
      ]);
    }
  });
});

describe("json path", () => {
  const doc = { a: { "b c": [1, { d: "2.5" }] }, list: [3, 4, 5] };
  it.each([
    ["$", doc],
    ["$.a['b c'][1].d", "2.5"],
    ['a["b c"][0]', 1],
    ["list[-1]", 5],
    ["$['a']", doc.a],
  ])("selects %s", (path, expected) => {
    expect(selectJsonPath(doc, parseJsonPath(path)!)).toEqual({ found: true, value: expected });
  });

  it("rejects malformed paths", () => {
    for (const p of ["a..b", "$.a[", "a b", "[x]"]) expect(parseJsonPath(p)).toBeNull();
  });

  it("reads PromQL-style numeric strings", () => {
    expect([
      toNumber("0.5"),
      toNumber("+Inf"),
      toNumber("-Inf"),
      toNumber("NaN"),
      toNumber("x"),
      toNumber(true),
    ]).toEqual([0.5, Infinity, -Infinity, NaN, undefined, undefined]);
  });
});
