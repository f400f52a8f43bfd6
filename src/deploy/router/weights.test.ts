import { describe, expect, it } from "vitest";
import { MetricsCollector } from "./metrics";
import { hashToUnit, validateWeights, WeightedSplit } from "./weights";

describe("validateWeights", () => {
  it("normalises: sorted keys, zero weights dropped, fractional sums accepted", () => {
    expect(validateWeights({ b: 0, a: 100 })).toEqual({ a: 100 });
    expect(Object.keys(validateWeights({ z: 50, a: 50 }))).toEqual(["a", "z"]);
    expect(validateWeights({ a: 33.3, b: 33.3, c: 33.4 })).toEqual({ a: 33.3, b: 33.3, c: 33.4 });
  });

  it.each([[{}], [{ a: 99 }], [{ a: 101, b: -1 }], [{ a: Number.NaN }], [{ "": 100 }]])("rejects %j", (w) => {
    expect(() => validateWeights(w)).toThrow(expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }));
  });
});

describe("WeightedSplit", () => {
  it("spreads a 5 % share evenly: one in every twenty, not in bursts", () => {
    const split = new WeightedSplit({ stable: 95, canary: 5 });
    const seq = Array.from({ length: 100 }, () => split.next());
    const at = seq.flatMap((v, i) => (v === "canary" ? [i] : []));
    expect(at).toHaveLength(5);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBe(20);
  });

  it("only widens a growing version's hash range, so its sticky users stay", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => hashToUnit(`user-${i}`));
    let had = new Set<number>();
    for (const w of [5, 10, 25, 50, 75, 100]) {
      const split = new WeightedSplit(w === 100 ? { v2: 100 } : { v1: 100 - w, v2: w });
      const now = new Set(keys.flatMap((k, i) => (split.atPoint(k) === "v2" ? [i] : [])));
      for (const i of had) expect(now.has(i)).toBe(true);
      expect(Math.abs(now.size / keys.length - w / 100)).toBeLessThan(0.04);
      had = now;
    }
  });

  it("gives a single weighted version every request", () => {
    expect(new WeightedSplit({ a: 100, b: 0 }).next()).toBe("a");
  });
});

describe("MetricsCollector", () => {
  it("counts classes, fills buckets by upper bound, and keeps the most recent samples in order", () => {
    const m = new MetricsCollector("v1", 3);
    m.record(200, 0.5, 1);
    m.record(200, 1, 2);
    m.record(503, 1.01, 3);
    m.record(404, 40_000, 4);
    m.record(0, 12, 5);
    const s = m.snapshot();
    expect(s.requests).toBe(5);
    expect(s.status).toEqual({ "1xx": 0, "2xx": 2, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(s.latency.counts[0]).toBe(2); // ≤ 1 ms
    expect(s.latency.counts[1]).toBe(1); // ≤ 2 ms
    expect(s.latency.counts.at(-1)).toBe(1); // +Inf
    expect(s.latency.count).toBe(5);
    expect(s.samples.map((x) => x.at)).toEqual([3, 4, 5]);
    expect(s.samples[2]).toEqual({ at: 5, ms: 12, status: 0 });
  });
});
