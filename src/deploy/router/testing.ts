/**
 * Test helpers for routers: a keep-alive HTTP client and a bounded closed-loop load generator. Used by
 * the contract suite and the builtin router's tests; not part of the public API.
 */
import http from "node:http";

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

/** One request to 127.0.0.1:port; rejects on a connection error or timeout. */
export function request(port: number, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: options.headers,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString(),
            headers: res.headers,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", (err: Error) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(options.body);
  });
}

export interface LoadResult {
  sent: number;
  /** Requests that failed: a connection error or a status ≥ 500, with what happened. */
  failures: string[];
  /** Responses per backend version (the backend's body is its version name). */
  versions: Record<string, number>;
  rps: number;
}

/**
 * Closed-loop load: `concurrency` keep-alive clients each sending one request after another for
 * `durationMs` (bounded by `maxRequests`), while `during` runs (e.g. a weight switch).
 */
export async function runLoad(options: {
  port: number;
  durationMs: number;
  concurrency: number;
  maxRequests?: number;
  path?: string;
  during?: () => Promise<void>;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const result: LoadResult = { sent: 0, failures: [], versions: {}, rps: 0 };
  const started = Date.now();
  const until = started + options.durationMs;
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const worker = async (): Promise<void> => {
    while (Date.now() < until && result.sent < max) {
      result.sent++;
      try {
        const reply = await requestRetryingStale(options.port, { path: options.path, agent });
        const version = reply.body.trim();
        result.versions[version] = (result.versions[version] ?? 0) + 1;
        if (reply.status >= 500) result.failures.push(`status ${reply.status}: ${version}`);
      } catch (err) {
        result.failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  await options.during?.();
  await Promise.all(workers);
  result.rps = result.sent / ((Date.now() - started) / 1000);
  agent.destroy();
  return result;
}

/**
 * A GET that is sent again, once, when it fails on a kept-alive connection the server closed before
 * answering: the race between a client reusing an idle connection and the server closing it (an old
 * HAProxy worker after a reload) that RFC 9112 §9.3.1 lets clients retry idempotent requests for,
 * and that browsers and most HTTP clients do retry. A failure on a fresh connection, a timeout or a
 * 5xx is still a failure.
 */
async function requestRetryingStale(port: number, options: RequestOptions): Promise<Reply> {
  try {
    return await request(port, options);
  } catch (err) {
    const stale = (err as { reusedSocket?: boolean; code?: string }).reusedSocket === true;
    const reset = (err as { code?: string }).code === "ECONNRESET";
    if (!stale || !reset || (options.method ?? "GET") !== "GET") throw err;
    return request(port, options);
  }
}

/** Sends `n` sequential requests on one keep-alive connection and counts bodies (version names). */
export async function countVersions(
  port: number,
  n: number,
  headers?: Record<string, string>,
): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { body } = await request(port, { agent, headers });
    const v = body.trim();
    counts[v] = (counts[v] ?? 0) + 1;
  }
  agent.destroy();
  return counts;
}
