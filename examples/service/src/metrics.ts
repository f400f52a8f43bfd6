/**
 * A minimal Prometheus client: counters, histograms and read-on-scrape gauges rendered in the text
 * exposition format (version 0.0.4). Written out rather than pulled from prom-client so the service keeps
 * zero runtime dependencies and starts in milliseconds.
 */

/** The Content-Type Prometheus expects for the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label values keyed by label name. */
export type Labels = Record<string, string>;

/** Anything the registry can render. */
export interface Collector {
  /** Metric family name, unique within a registry. */
  readonly name: string;
  /** The family's lines (HELP, TYPE, samples), without a trailing newline. Must not mutate state. */
  render(): string;
}

/** Latency buckets in seconds: fine below 100 ms where a healthy API lives, coarse up to 10 s. */
export const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class LabelledMetric<T> implements Collector {
  protected readonly series = new Map<string, { labels: string[]; value: T }>();

  constructor(
    readonly name: string,
    protected readonly help: string,
    protected readonly labelNames: readonly string[],
  ) {
    if (!NAME_RE.test(name)) throw new Error(`invalid metric name: ${name}`);
    for (const l of labelNames) {
      if (!LABEL_RE.test(l) || l === "le") throw new Error(`invalid label name: ${l}`);
    }
  }

  abstract render(): string;

  /** The series for `labels`, created on first use; every declared label must be given. */
  protected seriesFor(labels: Labels, init: () => T): { labels: string[]; value: T } {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new Error(`${this.name}: missing label ${n}`);
      return v;
    });
    const key = JSON.stringify(values);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: values, value: init() };
      this.series.set(key, entry);
    }
    return entry;
  }

  protected header(type: "counter" | "histogram" | "gauge"): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${type}`;
  }

  protected labelText(values: readonly string[], extra?: [string, string]): string {
    const pairs = values.map((v, i) => `${this.labelNames[i]}="${escapeLabel(v)}"`);
    if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    return pairs.length ? `{${pairs.join(",")}}` : "";
  }
}

/** A monotonically increasing count per label set. */
export class Counter extends LabelledMetric<number> {
  /** Adds `by` (default 1, must be ≥ 0: a counter that goes down breaks rate()). */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: counters only go up`);
    this.seriesFor(labels, () => 0).value += by;
  }

  /** The current value for `labels`, 0 when never incremented. */
  get(labels: Labels = {}): number {
    const key = JSON.stringify(this.labelNames.map((n) => labels[n]));
    return this.series.get(key)?.value ?? 0;
  }

  render(): string {
    const lines = [this.header("counter")];
    for (const s of this.series.values())
      lines.push(`${this.name}${this.labelText(s.labels)} ${formatValue(s.value)}`);
    return lines.join("\n");
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations sorted into cumulative buckets, with their sum and count, per label set. */
export class Histogram extends LabelledMetric<HistogramState> {
  private readonly buckets: number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets = DEFAULT_LATENCY_BUCKETS) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
    if (this.buckets.length === 0) throw new Error(`${name}: a histogram needs at least one bucket`);
  }

  /** Records one observation (for latency: seconds, not milliseconds, as Prometheus convention has it). */
  observe(labels: Labels, value: number): void {
    const s = this.seriesFor(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 })).value;
    // Buckets are stored non-cumulatively and summed at render time, so observe stays O(buckets) worst case.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    const lines = [this.header("histogram")];
    for (const { labels, value } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += value.counts[i] ?? 0;
        lines.push(`${this.name}_bucket${this.labelText(labels, ["le", formatValue(b)])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${this.labelText(labels, ["le", "+Inf"])} ${value.count}`);
      lines.push(`${this.name}_sum${this.labelText(labels)} ${formatValue(value.sum)}`);
      lines.push(`${this.name}_count${this.labelText(labels)} ${value.count}`);
    }
    return lines.join("\n");
  }
}

/** A gauge whose value is read at scrape time (uptime, memory, in-flight requests). */
export class Gauge extends LabelledMetric<never> {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number,
    private readonly constLabels: Labels = {},
  ) {
    super(name, help, Object.keys(constLabels));
  }

  render(): string {
    const values = this.labelNames.map((n) => this.constLabels[n] ?? "");
    return `${this.header("gauge")}\n${this.name}${this.labelText(values)} ${formatValue(this.read())}`;
  }
}

/** An ordered set of metric families rendered together for one scrape. */
export class Registry {
  private readonly collectors = new Map<string, Collector>();

  /** Adds `collector` and returns it; a second family with the same name is a programming error. */
  register<C extends Collector>(collector: C): C {
    if (this.collectors.has(collector.name)) throw new Error(`metric already registered: ${collector.name}`);
    this.collectors.set(collector.name, collector);
    return collector;
  }

  /** The whole exposition, newline-terminated as the format requires. */
  render(): string {
    return [...this.collectors.values()].map((c) => c.render()).join("\n") + "\n";
  }
}

/** Formats a sample value the way Prometheus parses it (Go's float syntax for the special values). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
