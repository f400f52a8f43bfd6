/** Responses the proxy writes itself (errors, injected faults), and response framing rules. */
import { STATUS_CODES } from "node:http";
import type { BodyMode } from "./body-framer";
import type { HttpHead } from "./http-head";

/**
 * A complete response with a short text body. `close` adds `Connection: close`; `head` (a HEAD
 * request) leaves the body out but keeps its length, as RFC 9110 §9.3.2 asks.
 */
export function localResponse(status: number, message: string, close: boolean, head: boolean): Buffer {
  const body = `${message}\n`;
  const reason = STATUS_CODES[status] ?? "Unknown";
  return Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\n` +
      `${close ? "connection: close\r\n" : ""}\r\n${head ? "" : body}`,
    "utf8",
  );
}

/** How a response's body is framed (RFC 9112 §6.3), given the request's method. */
export function responseBodyMode(method: string, res: HttpHead): BodyMode {
  if (method === "HEAD" || res.status === 204 || res.status === 304 || res.status < 200) return "none";
  if (res.chunked) return "chunked";
  if (res.contentLength >= 0) return "length";
  return "close";
}

/** How a request's body is framed: requests have no close-delimited bodies. */
export function requestBodyMode(req: HttpHead): BodyMode {
  if (req.chunked) return "chunked";
  return req.contentLength > 0 ? "length" : "none";
}

/**
 * Methods that may be sent twice (RFC 9110 §9.2.2). Only these are retried on another instance after
 * a failure that might have reached the backend; a refused connection is retried for any method.
 */
export const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
