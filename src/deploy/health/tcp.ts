/** TCP health check: a connection is accepted within the timeout. */
import net from "node:net";
import type { HealthCheckOptions, HealthEndpoint, HealthResult, TcpHealthCheck } from "./types";

export const TCP_DEFAULT_TIMEOUT_MS = 2000;

export function checkTcp(
  spec: TcpHealthCheck,
  endpoint: HealthEndpoint,
  options: HealthCheckOptions = {},
): Promise<HealthResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const timeoutMs = spec.timeoutMs ?? TCP_DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host: spec.host ?? endpoint.host, port: spec.port ?? endpoint.port });
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      const latencyMs = Math.max(0, clock() - started);
      resolve(error === undefined ? { ok: true, latencyMs } : { ok: false, latencyMs, error });
    };
    const onAbort = (): void => finish("aborted");
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs}ms`), timeoutMs);
    socket.once("connect", () => finish());
    socket.once("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    if (options.signal?.aborted) return finish("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
