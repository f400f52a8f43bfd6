import { afterEach, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../scripts/services/node-backend";
import { createBuiltinRouter } from "../router/builtin/builtin-router";
import type { Router } from "../router/types";
import { renderAgentMetrics, startMetricsEndpoint, type MetricsEndpoint } from "./metrics-endpoint";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("the agent's Prometheus endpoint", () => {
  it("serves per-version router counters and the split, labelled with the environment", async () => {
    const backend = await startNodeBackend({ version: "v1" });
    cleanups.push(() => backend.close());
    const router: Router = createBuiltinRouter({ type: "builtin" }, {});
    cleanups.push(() => router.stop());
    await router.setBackends("v1", [{ host: "127.0.0.1", port: backend.port }]);
    await router.setWeights({ v1: 100 });
    const { port } = await router.start();
    for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${port}/`)).text();

    const endpoint: MetricsEndpoint = await startMetricsEndpoint({
      host: "127.0.0.1",
      port: 0,
      render: () => renderAgentMetrics(router, "prod", ["v1"]),
      log: () => {},
    });
    cleanups.push(() => endpoint.close());
    const res = await fetch(endpoint.url);
    expect(res.headers.get("content-type")).toContain("version=0.0.4");
    const text = await res.text();
    expect(text).toMatch(
      /sluice_router_requests_total\{environment="prod",version="v1",code_class="2xx"\} 5/,
    );
    expect(text).toContain('sluice_rollout_weight{environment="prod",version="v1"} 100');
    expect((await fetch(endpoint.url.replace("/metrics", "/other"))).status).toBe(404);
  });
});
