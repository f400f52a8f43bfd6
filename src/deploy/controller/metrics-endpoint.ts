/**
 * The agent's Prometheus endpoint (`metrics: { port }` of an environment): the router's per-version
 * counters and latency histograms in the text exposition format, plus the traffic split in force, so a
 * Prometheus server can scrape a local environment and the `prometheus` metric provider can analyse it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { EXPOSITION_CONTENT_TYPE, formatLabels, renderRouterMetrics } from "../router/exposition";
import type { Router, VersionMetrics } from "../router/types";

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/** Renders everything the endpoint serves, for one environment. */
export async function renderAgentMetrics(
  router: Router,
  environment: string,
  versions: string[],
): Promise<string> {
  const weights = await router.getWeights();
  const names = [...new Set([...versions, ...Object.keys(weights)])].sort();
  const metrics = (await Promise.all(names.map((v) => router.metrics(v)))).filter(
    (m): m is VersionMetrics => m !== null,
  );
  const split = [
    "# HELP sluice_rollout_weight Percent of the environment's traffic the router sends to a version.",
    "# TYPE sluice_rollout_weight gauge",
    ...names.map(
      (v) => `sluice_rollout_weight${formatLabels({ environment, version: v })} ${weights[v] ?? 0}`,
    ),
  ];
  return renderRouterMetrics(metrics, { environment }) + split.join("\n") + "\n";
}

export function startMetricsEndpoint(options: {
  host: string;
  port: number;
  render: () => Promise<string>;
  log: (line: string) => void;
}): Promise<MetricsEndpoint> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics here\n");
      return;
    }
    options.render().then(
      (text) => res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end(text),
      (err: unknown) => {
        options.log(`metrics endpoint: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n");
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const { address, port } = server.address() as AddressInfo;
      resolve({
        url: `http://${address}:${port}/metrics`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
