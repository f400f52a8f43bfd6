/**
 * The contract every MetricProvider passes (DESIGN.md: one contract suite per plug-in point). Call
 * `describeMetricProviderContract` from an implementation's test with a setup that starts whatever
 * the provider talks to (a fake or a real server) and returns the fixture below.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeasurementWindow, MetricProvider, MetricQuery } from "./types";

export interface MetricProviderContractFixture {
  /** A provider connected to a live endpoint. */
  provider: MetricProvider;
  /** A query the endpoint answers with the single value `expected`. */
  okQuery: MetricQuery;
  expected: number;
  /** A query the endpoint rejects or answers with nothing usable (an error status, NaN, no data). */
  badQuery: MetricQuery;
  /** A provider and query that point at an address where nothing listens. */
  unreachable: { provider: MetricProvider; query: MetricQuery };
  /** A provider with a short timeout, and a query its endpoint never answers. */
  hanging: { provider: MetricProvider; query: MetricQuery; timeoutMs: number };
  /** Stops what setup started. */
  close(): Promise<void>;
}

export const contractWindow: MeasurementWindow = {
  start: new Date("2030-01-01T00:00:00Z"),
  end: new Date("2030-01-01T00:01:30Z"),
};

export function describeMetricProviderContract(
  name: string,
  setup: () => Promise<MetricProviderContractFixture>,
): void {
  describe(`MetricProvider contract: ${name}`, () => {
    let f: MetricProviderContractFixture;
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(async () => {
      await f?.close();
    });

    it("answers a good query with an ok measurement at the window's end", async () => {
      const m = await f.provider.query(f.okQuery, contractWindow);
      expect(m).toMatchObject({ phase: "ok", value: f.expected });
      expect(m.error).toBeUndefined();
      expect(m.at.getTime()).toBe(contractWindow.end.getTime());
    });

    it("turns a rejected or unusable query into an error measurement, never an exception", async () => {
      const m = await f.provider.query(f.badQuery, contractWindow);
      expect(m.phase).toBe("error");
      expect(m.error).toMatch(/\S/);
      expect(m.value).toBeUndefined();
      expect(m.at.getTime()).toBe(contractWindow.end.getTime());
    });

    it("reports an unreachable endpoint as an error measurement", async () => {
      const m = await f.unreachable.provider.query(f.unreachable.query, contractWindow);
      expect(m.phase).toBe("error");
      expect(m.error).toMatch(/\S/);
    });

    it("gives up after its timeout with an error measurement", async () => {
      const started = performance.now();
      const m = await f.hanging.provider.query(f.hanging.query, contractWindow);
      const elapsed = performance.now() - started;
      expect(m.phase).toBe("error");
      expect(m.error).toMatch(/within|timeout|timed out/i);
      expect(elapsed).toBeGreaterThanOrEqual(f.hanging.timeoutMs * 0.9);
      expect(elapsed).toBeLessThan(f.hanging.timeoutMs + 2000);
    });

    it("is safe to call concurrently", async () => {
      const all = await Promise.all(
        Array.from({ length: 8 }, () => f.provider.query(f.okQuery, contractWindow)),
      );
      for (const m of all) expect(m).toMatchObject({ phase: "ok", value: f.expected });
    });
  });
}
