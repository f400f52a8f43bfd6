/**
 * Starts a real Prometheus (Debian's `prometheus`) in a temp dir on a free loopback port, for tests of
 * the `prometheus` metric provider against the real query engine. Prometheus is ready within tens of
 * milliseconds but hands new scrape targets to its scrapers on a fixed 5 s timer, so the first data
 * point arrives about 6 s after start: `startPrometheus` waits for it (DESIGN.md "Facts measured"),
 * and scrapes every second so a test needs only a few seconds of traffic for rate() to have points.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureProgram, freePort } from "./programs";
import { startService } from "./service-process";
import type { RunningService } from "./service-process";

export interface PrometheusOptions {
  /** `host:port` of each endpoint to scrape, in one job `sluice` (ignored when `config` is given). */
  targets?: string[];
  /** Scrape and evaluation interval in seconds; default 1. */
  scrapeIntervalSeconds?: number;
  /** Path scraped on each target; default /metrics. */
  metricsPath?: string;
  /** A whole prometheus.yml instead of the generated one. */
  config?: string;
  port?: number;
  /** Wait until every target has been scraped successfully once; default true. */
  waitForScrape?: boolean;
  /** How long to wait for readiness plus the first scrape; default 20 s. */
  timeoutMs?: number;
}

export interface RunningPrometheus extends RunningService {
  /** The base URL, e.g. http://127.0.0.1:39123 (the API is under /api/v1). */
  url: string;
  /**
   * Resolves once every active target has been scraped successfully at least once. Rejects after
   * `timeoutMs` naming the targets still down and their last errors.
   */
  waitForScrape(timeoutMs?: number): Promise<void>;
}

/** Null when prometheus is missing and could not be installed (throws instead under CI=true). */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus | null> {
  const prometheus = ensureProgram("prometheus");
  if (prometheus === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-prometheus-"));
  const port = options.port ?? (await freePort());
  const timeoutMs = options.timeoutMs ?? 20_000;
  const file = path.join(dir, "prometheus.yml");
  writeFileSync(
    file,
    options.config ??
      scrapeConfig(options.targets ?? [], {
        intervalSeconds: options.scrapeIntervalSeconds ?? 1,
        metricsPath: options.metricsPath,
      }),
  );
  // SIGTERM is Prometheus' graceful shutdown (flushes the head block, closes the TSDB).
  const service = await startService({
    command: prometheus,
    args: [
      `--config.file=${file}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1h",
    ],
    dir,
    host: "127.0.0.1",
    port,
    stopSignal: "SIGTERM",
    readyTimeoutMs: timeoutMs,
  });
  const url = `http://127.0.0.1:${port}`;
  const running: RunningPrometheus = {
    ...service,
    url,
    waitForScrape: (ms = timeoutMs) => waitForTargets(url, ms, service),
  };
  try {
    await waitUntil(timeoutMs, async () => (await fetch(`${url}/-/ready`)).ok, "/-/ready", service);
    if (
      (options.waitForScrape ?? true) &&
      (options.config !== undefined || (options.targets ?? []).length > 0)
    )
      await running.waitForScrape(timeoutMs);
  } catch (err) {
    await service.stop(0);
    throw err;
  }
  return running;
}

/** A prometheus.yml scraping `targets` in one job, every `intervalSeconds`. */
export function scrapeConfig(
  targets: string[],
  options: { intervalSeconds?: number; metricsPath?: string; job?: string } = {},
): string {
  const every = `${options.intervalSeconds ?? 1}s`;
  return [
    "global:",
    `  scrape_interval: ${every}`,
    `  evaluation_interval: ${every}`,
    `  scrape_timeout: ${every}`,
    "scrape_configs:",
    `  - job_name: ${JSON.stringify(options.job ?? "sluice")}`,
    `    metrics_path: ${JSON.stringify(options.metricsPath ?? "/metrics")}`,
    "    static_configs:",
    `      - targets: ${JSON.stringify(targets)}`,
    "",
  ].join("\n");
}

interface ActiveTarget {
  scrapeUrl?: string;
  health?: string;
  lastError?: string;
}

async function waitForTargets(url: string, timeoutMs: number, service: RunningService): Promise<void> {
  let pending: ActiveTarget[] = [];
  await waitUntil(
    timeoutMs,
    async () => {
      const res = await fetch(`${url}/api/v1/targets?state=active`);
      const body = (await res.json()) as { data?: { activeTargets?: ActiveTarget[] } };
      const targets = body.data?.activeTargets ?? [];
      pending = targets.filter((t) => t.health !== "up");
      // No active target yet means discovery has not handed them over (the 5 s timer).
      return targets.length > 0 && pending.length === 0;
    },
    "the first scrape",
    service,
    () =>
      pending.length === 0
        ? "no active targets yet"
        : pending.map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError ?? ""}`.trim()).join("; "),
  );
}

async function waitUntil(
  timeoutMs: number,
  check: () => Promise<boolean>,
  what: string,
  service: RunningService,
  detail: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = String(err);
    }
    if (Date.now() > deadline) {
      const why = [detail(), lastError, service.stderr().trim().split("\n").slice(-5).join("\n")]
        .filter((s) => s !== "")
        .join("\n");
      throw new Error(`prometheus on port ${service.port}: no ${what} after ${timeoutMs} ms\n${why}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
