/**
 * Router metrics in the Prometheus text exposition format 0.0.4, so a real Prometheus can scrape
 * what a Router counts and the `prometheus` metric provider can analyse it:
 *
 *   sluice_router_requests_total{version,code_class}   finished requests by status class (`1xx`…
 *       `5xx`, and `aborted` for responses cut off mid-way); summed, every request
 *   sluice_router_connection_errors_total{version}     failed attempts to reach a backend
 *   sluice_router_faults_injected_total{version}       requests answered by an injected fault
 *   sluice_router_request_duration_seconds{version}    latency histogram (_bucket{le}, _sum, _count)
 *
 * Every series is written for every version, zeros included, so `rate()` sees a counter from its
 * first scrape rather than missing the increment that created it.
 */
import { createError } from "../../core/errors";
import type { VersionMetrics } from "./types";

/** The Content-Type to serve `renderRouterMetrics` output with. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const PREFIX = "sluice_router_";
const CODE_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED = new Set(["version", "code_class", "le"]);

type Labels = Readonly<Record<string, string>>;

/**
 * Renders the router's counters for `metrics` (one entry per version) with `labels` added to every
 * series (e.g. `{ service: "checkout" }`). Pure. Throws SLUICE_E_ROUTER_CONFIG for a label name
 * Prometheus would reject or that the families use themselves (`version`, `code_class`, `le`), and
 * SLUICE_E_INTERNAL for a version listed twice (two series with the same labels).
 */
export function renderRouterMetrics(metrics: readonly VersionMetrics[], labels: Labels = {}): string {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith("__") || RESERVED.has(name)) {
      throw createError(
        "SLUICE_E_ROUTER_CONFIG",
        `"${name}" cannot be a label of the router's metrics (reserved or not a Prometheus label name).`,
      );
    }
  }
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.version))
      throw createError("SLUICE_E_INTERNAL", `Version "${m.version}" is listed twice in router metrics.`);
    seen.add(m.version);
  }
  const series = (version: string, extra: Labels = {}) => formatLabels({ ...labels, version, ...extra });
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) =>
    lines.push(`# HELP ${PREFIX}${name} ${escapeHelp(help)}`, `# TYPE ${PREFIX}${name} ${type}`);

  family("requests_total", "counter", "Finished requests by status class (aborted: cut off mid-response).");
  for (const m of metrics) {
    let answered = 0;
    for (const cls of CODE_CLASSES) {
      answered += m.status[cls];
      lines.push(`${PREFIX}requests_total${series(m.version, { code_class: cls })} ${num(m.status[cls])}`);
    }
    const aborted = Math.max(0, m.requests - answered);
    lines.push(`${PREFIX}requests_total${series(m.version, { code_class: "aborted" })} ${num(aborted)}`);
  }
  family("connection_errors_total", "counter", "Failed attempts to reach a backend, retries included.");
  for (const m of metrics)
    lines.push(`${PREFIX}connection_errors_total${series(m.version)} ${num(m.connectionErrors)}`);
  family("faults_injected_total", "counter", "Requests answered by an injected fault.");
  for (const m of metrics)
    lines.push(`${PREFIX}faults_injected_total${series(m.version)} ${num(m.faultsInjected)}`);
  family("request_duration_seconds", "histogram", "Time from request head to last response byte.");
  for (const m of metrics) {
    const { bucketsMs, counts, sumMs, count } = m.latency;
    let total = 0;
    for (let i = 0; i <= bucketsMs.length; i++) {
      total += counts[i] ?? 0;
      const le = i < bucketsMs.length ? num(Number((bucketsMs[i]! / 1000).toPrecision(12))) : "+Inf";
      lines.push(`${PREFIX}request_duration_seconds_bucket${series(m.version, { le })} ${num(total)}`);
    }
    lines.push(`${PREFIX}request_duration_seconds_sum${series(m.version)} ${num(sumMs / 1000)}`);
    lines.push(`${PREFIX}request_duration_seconds_count${series(m.version)} ${num(count)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `{a="x",b="y"}` with Prometheus escaping of the values. */
export function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `{${pairs.join(",")}}`;
}

/** Label values escape backslash, double quote and line feed (format 0.0.4). */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

/** A sample value as Prometheus parses it (Go float syntax; +Inf, -Inf, NaN). */
function num(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  return String(n);
}
