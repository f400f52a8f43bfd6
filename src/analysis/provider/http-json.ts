/** GET a URL and parse JSON, with a timeout; every failure is a value, not an exception. */

export type JsonResult =
  { ok: true; status: number; body: unknown } | { ok: false; error: string; body?: unknown };

export interface GetJsonOptions {
  /** Abort after this many milliseconds. */
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
  fetch: typeof fetch;
}

/**
 * Fetches `url` and parses the body as JSON. Non-2xx statuses are failures, but their JSON body (when
 * there is one) is passed along: Prometheus explains a bad query in the body of a 400.
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<JsonResult> {
  let response: Response;
  let text: string;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    response = await options.fetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal,
    });
    text = await response.text();
  } catch (err) {
    if (signal.aborted)
      return { ok: false, error: `no answer from ${redact(url)} within ${options.timeoutMs} ms` };
    return {
      ok: false,
      error: `request to ${redact(url)} failed: ${describe(err).replaceAll(url, redact(url))}`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const status = response.ok ? "" : ` (HTTP ${response.status})`;
    return { ok: false, error: `${redact(url)} did not return JSON${status}: ${snippet(text)}` };
  }
  if (!response.ok) return { ok: false, error: `${redact(url)} answered HTTP ${response.status}`, body };
  return { ok: true, status: response.status, body };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici reports the useful part (ECONNREFUSED …) as the cause of a generic "fetch failed".
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || "(empty body)";
}

/** URLs may carry credentials (user:password@ or ?token=); messages end up in logs and the store. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
