/**
 * The OSV web API (`POST /v1/querybatch`, then `GET /v1/vulns/{id}` for the full records), used only
 * when a scan enables it. An unreachable API is an expected outcome, not an error: the result says
 * so in a note and the scan goes on with the local database.
 */
import { readOsvRecord, type OsvRecord } from "./osv";

export interface OsvApiOptions {
  /** Base URL of the API; https://api.osv.dev by default. */
  endpoint?: string;
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
  /** Per request, 10 s by default. */
  timeoutMs?: number;
}

export interface OsvQuery {
  ecosystem: string;
  name: string;
  version: string;
}

/** `problem` says what failed; `note` adds that the scan went on with the local database. */
export type OsvApiResult = { ok: true; records: OsvRecord[] } | { ok: false; note: string; problem: string };

const BATCH = 1000; // the API's limit of queries per batch
const MAX_PAGES = 10;
const CONCURRENCY = 8;

async function call(url: string, init: RequestInit, options: OsvApiOptions): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return response.json();
}

function idsOf(result: unknown): { ids: string[]; next?: string } {
  const r = typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {};
  const vulns = Array.isArray(r.vulns) ? r.vulns : [];
  const ids = vulns.flatMap((v) =>
    typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string"
      ? [(v as { id: string }).id]
      : [],
  );
  return { ids, next: typeof r.next_page_token === "string" ? r.next_page_token : undefined };
}

/** Asks the OSV API which advisories affect these package versions and fetches their records. */
export async function queryOsvApi(queries: OsvQuery[], options: OsvApiOptions = {}): Promise<OsvApiResult> {
  const endpoint = (options.endpoint ?? "https://api.osv.dev").replace(/\/+$/, "");
  try {
    const ids = new Set<string>();
    for (let start = 0; start < queries.length; start += BATCH) {
      let batch = queries
        .slice(start, start + BATCH)
        .map(
          (q) =>
            ({ package: { ecosystem: q.ecosystem, name: q.name }, version: q.version }) as Record<
              string,
              unknown
            >,
        );
      for (let page = 0; page < MAX_PAGES && batch.length > 0; page++) {
        const body = await call(
          `${endpoint}/v1/querybatch`,
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ queries: batch }),
          },
          options,
        );
        const results =
          typeof body === "object" && body !== null && Array.isArray((body as { results?: unknown }).results)
            ? (body as { results: unknown[] }).results
            : [];
        const again: Record<string, unknown>[] = [];
        results.forEach((result, i) => {
          const { ids: found, next } = idsOf(result);
          for (const id of found) ids.add(id);
          if (next && batch[i]) again.push({ ...batch[i], page_token: next });
        });
        batch = again;
      }
    }
    const records: OsvRecord[] = [];
    const pending = [...ids].sort();
    const worker = async (): Promise<void> => {
      for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
        const record = readOsvRecord(
          await call(`${endpoint}/v1/vulns/${encodeURIComponent(id)}`, { method: "GET" }, options),
        );
        if (typeof record !== "string") records.push(record);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { ok: true, records: records.sort((a, b) => (a.id < b.id ? -1 : 1)) };
  } catch (err) {
    const reason =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    const problem = `OSV API at ${endpoint} is offline or unreachable (${reason})`;
    return { ok: false, problem, note: `${problem}; advisories came from the local database only` };
  }
}
