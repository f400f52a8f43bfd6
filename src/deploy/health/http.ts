/** HTTP health check: status (codes or classes) and, optionally, body content, within a timeout. */
import http from "node:http";
import https from "node:https";
import type { HealthCheckOptions, HealthEndpoint, HealthResult, HttpHealthCheck } from "./types";

export const HTTP_DEFAULT_TIMEOUT_MS = 2000;
/** Enough for a health page; a larger body is cut here rather than read whole. */
const MAX_BODY_BYTES = 64 * 1024;

/** True when `status` is one of `expect` (codes or `"2xx"`-style classes); default 200–399. */
export function statusMatches(status: number, expect: (number | string)[] | undefined): boolean {
  if (expect === undefined || expect.length === 0) return status >= 200 && status < 400;
  return expect.some((e) => {
    if (typeof e === "number") return e === status;
    const m = /^([1-5])xx$/i.exec(e.trim());
    if (m !== null) return Math.floor(status / 100) === Number(m[1]);
    return Number(e) === status;
  });
}

/** The failure reason for a body, or null when it passes. */
export function bodyProblem(
  body: string,
  spec: Pick<HttpHealthCheck, "bodyContains" | "bodyRegex">,
): string | null {
  if (spec.bodyContains !== undefined && !body.includes(spec.bodyContains)) {
    return `body does not contain ${JSON.stringify(spec.bodyContains)}`;
  }
  if (spec.bodyRegex !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(spec.bodyRegex);
    } catch {
      return `invalid bodyRegex ${JSON.stringify(spec.bodyRegex)}`;
    }
    if (!re.test(body)) return `body does not match /${spec.bodyRegex}/`;
  }
  return null;
}

export function checkUrl(spec: HttpHealthCheck, endpoint: HealthEndpoint): string {
  if (spec.url !== undefined) return spec.url;
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const path = spec.path === undefined ? "/" : spec.path.startsWith("/") ? spec.path : `/${spec.path}`;
  return `http://${host}:${endpoint.port}${path}`;
}

export function checkHttp(
  spec: HttpHealthCheck,
  endpoint: HealthEndpoint,
  options: HealthCheckOptions = {},
): Promise<HealthResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const timeoutMs = spec.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS;
  const done = (error?: string): HealthResult => {
    const latencyMs = Math.max(0, clock() - started);
    return error === undefined ? { ok: true, latencyMs } : { ok: false, latencyMs, error };
  };
  let url: URL;
  try {
    url = new URL(checkUrl(spec, endpoint));
  } catch {
    return Promise.resolve(done(`invalid URL ${checkUrl(spec, endpoint)}`));
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      req.destroy();
      resolve(done(error));
    };
    const onAbort = (): void => finish("aborted");
    const lib = url.protocol === "https:" ? https : http;
    // No keep-alive agent: a check must open its own connection, or a dead instance could look alive.
    const req = lib.request(
      url,
      { method: spec.method ?? "GET", headers: spec.headers, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        if (!statusMatches(status, spec.expectStatus)) return finish(`status ${status}`);
        if (spec.bodyContains === undefined && spec.bodyRegex === undefined) {
          res.resume();
          return finish();
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on("end", () => finish(bodyProblem(Buffer.concat(chunks).toString("utf8"), spec) ?? undefined));
        res.on("error", (e) => finish(e.message));
      },
    );
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs}ms`), timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    if (options.signal?.aborted) return finish("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    req.end();
  });
}
