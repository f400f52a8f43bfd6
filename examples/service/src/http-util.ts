/** Small helpers for node:http: JSON answers and bounded JSON bodies. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FieldProblem } from "./items.js";

/** Largest request body accepted, in bytes; the API's documents are tiny, so anything bigger is abuse. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The error document every non-2xx API answer carries. */
export interface ErrorBody {
  error: { code: string; message: string; details?: FieldProblem[] };
}

/** Writes `body` as JSON with `status`. Safe to call once per response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Writes the standard error document. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: { details?: FieldProblem[]; headers?: Record<string, string> } = {},
): void {
  const body: ErrorBody = { error: { code, message, ...(extra.details ? { details: extra.details } : {}) } };
  sendJson(res, status, body, extra.headers);
}

/** Why a body could not be read, mapped by the caller to 400, 413 or 415. */
export type BodyFailure = "unsupported_media_type" | "payload_too_large" | "invalid_json" | "aborted";

/** The parsed JSON body, or the reason it was refused. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; failure: BodyFailure };

/**
 * Reads and parses a JSON request body of at most `limit` bytes. Gives up as soon as the limit is passed
 * instead of buffering whatever a client sends; the rest is drained and discarded rather than destroyed,
 * so the caller can still answer 413 on the same socket.
 */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    req.resume();
    return Promise.resolve({ ok: false, failure: "unsupported_media_type" });
  }
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    req.resume();
    return Promise.resolve({ ok: false, failure: "payload_too_large" });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (!settled) resolve(result);
      settled = true;
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle({ ok: false, failure: "payload_too_large" });
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
      } catch {
        settle({ ok: false, failure: "invalid_json" });
      }
    });
    req.on("error", () => settle({ ok: false, failure: "aborted" }));
  });
}

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts. The timer is ref'd, so an in-flight
 * delayed request holds shutdown; aborting it when its client is gone lets a closed server exit at once.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
