import { describe, expect, it } from "vitest";
import { EXPOSITION_CONTENT_TYPE, renderRouterMetrics } from "./exposition";
import { MetricsCollector } from "./metrics";
import { LATENCY_BUCKETS_MS } from "./types";

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text format 0.0.4 as Prometheus' parser reads it: HELP/TYPE comments, then
 * `name{label="value",…} number` lines; throws on anything else so malformed output fails the test.
 */
function parseExposition(text: string): {
  series: Series[];
  types: Record<string, string>;
  help: Record<string, string>;
} {
  const series: Series[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (kind === "TYPE") types[name!] = rest!;
      else help[name!] = rest!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2]?.slice(1, -1) ?? "";
    while (rest !== "") {
      const pair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!pair) throw new Error(`malformed labels: ${m[2]}`);
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      rest = rest.slice(pair[0].length);
    }
    const raw = m[3]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    if (raw !== "NaN" && Number.isNaN(value)) throw new Error(`malformed value: ${line}`);
    series.push({ name: m[1]!, labels, value });
  }
  return { series, types, help };
}

function collector(version: string, requests: Array<[status: number, ms: number]>): MetricsCollector {
  const c = new MetricsCollector(version, 16);
  for (const [status, ms] of requests) c.record(status, ms, 0);
  return c;
}

describe("renderRouterMetrics", () => {
  const v1 = collector("v1", [
    [200, 0.5],
    [200, 4],
    [404, 12],
    [503, 120],
    [0, 40_000],
  ]);
  v1.connectionErrors = 2;
  v1.faultsInjected = 1;
  const odd = collector('we"ird\\ver\nsion', [[200, 7.5]]);

  it("writes every family with HELP and TYPE, and parses back to the counters", () => {
    const text = renderRouterMetrics([v1.snapshot(), odd.snapshot()], { service: 'check"out' });
    const { series, types, help } = parseExposition(text);
    expect(types).toEqual({
      sluice_router_requests_total: "counter",
      sluice_router_connection_errors_total: "counter",
      sluice_router_faults_injected_total: "counter",
      sluice_router_request_duration_seconds: "histogram",
    });
    expect(Object.keys(help)).toEqual(Object.keys(types));
    const get = (name: string, labels: Record<string, string>) =>
      series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    const one = (name: string, labels: Record<string, string>) => {
      const found = get(name, labels);
      expect(found).toHaveLength(1);
      return found[0]!.value;
    };
    const v = { version: "v1", service: 'check"out' };
    expect(one("sluice_router_requests_total", { ...v, code_class: "2xx" })).toBe(2);
    expect(one("sluice_router_requests_total", { ...v, code_class: "4xx" })).toBe(1);
    expect(one("sluice_router_requests_total", { ...v, code_class: "5xx" })).toBe(1);
    expect(one("sluice_router_requests_total", { ...v, code_class: "1xx" })).toBe(0);
    expect(one("sluice_router_requests_total", { ...v, code_class: "aborted" })).toBe(1);
    const total = get("sluice_router_requests_total", v).reduce((s, x) => s + x.value, 0);
    expect(total).toBe(5);
    expect(one("sluice_router_connection_errors_total", v)).toBe(2);
    expect(one("sluice_router_faults_injected_total", v)).toBe(1);

    const buckets = get("sluice_router_request_duration_seconds_bucket", v);
    expect(buckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    expect(buckets.map((b) => b.labels.le)).toContain("0.0075");
    const le = buckets.map((b) => Number(b.labels.le === "+Inf" ? Infinity : b.labels.le));
    expect(le).toEqual([...LATENCY_BUCKETS_MS.map((ms) => ms / 1000), Infinity]);
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b)); // cumulative
    const at = (seconds: number) => counts[le.indexOf(seconds)];
    expect([at(0.001), at(0.005), at(0.015), at(0.15), at(30), at(Infinity)]).toEqual([1, 2, 3, 4, 4, 5]);
    expect(one("sluice_router_request_duration_seconds_count", v)).toBe(5);
    expect(one("sluice_router_request_duration_seconds_sum", v)).toBeCloseTo(40.1365, 9);

    // Escaped label values survive the round trip.
    expect(one("sluice_router_requests_total", { version: 'we"ird\\ver\nsion', code_class: "2xx" })).toBe(1);
    // Each family's lines are contiguous (the format requires it).
    const order = series.map((s) => s.name.replace(/_(bucket|sum|count)$/, ""));
    expect(order.filter((n, i) => n !== order[i - 1])).toEqual([
      "sluice_router_requests_total",
      "sluice_router_connection_errors_total",
      "sluice_router_faults_injected_total",
      "sluice_router_request_duration_seconds",
    ]);
  });

  it("writes zero series for a version without traffic, and only HELP/TYPE for none", () => {
    const { series } = parseExposition(renderRouterMetrics([new MetricsCollector("idle").snapshot()]));
    expect(series.length).toBe(6 + 2 + LATENCY_BUCKETS_MS.length + 1 + 2);
    expect(series.every((s) => s.value === 0)).toBe(true);
    expect(parseExposition(renderRouterMetrics([])).series).toEqual([]);
    expect(EXPOSITION_CONTENT_TYPE).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("refuses labels Prometheus rejects or the families use, and a version listed twice", () => {
    const snap = v1.snapshot();
    for (const name of ["version", "le", "code_class", "__name__", "1x", "a-b"]) {
      expect(() => renderRouterMetrics([snap], { [name]: "x" })).toThrow(
        expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
      );
    }
    expect(() => renderRouterMetrics([snap, snap])).toThrow(
      expect.objectContaining({ code: "SLUICE_E_INTERNAL" }),
    );
  });
});
