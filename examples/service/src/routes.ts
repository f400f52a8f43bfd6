/**
 * The route table and its handlers. Routes are matched to a template ("/api/items/:id") that doubles as
 * the `route` metric label, so a metric series never carries a raw, unbounded path.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendError, sendJson, type BodyFailure } from "./http-util.js";
import { isValidItemId, validateNewItem, type ItemStore } from "./items.js";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics.js";
import type { ServiceConfig } from "./config.js";

/** What handlers may use; provided by the server for each request. */
export interface RouteContext {
  config: ServiceConfig;
  store: ItemStore;
  /** True once shutdown began: readiness fails so load balancers stop sending traffic. */
  draining(): boolean;
  /** The Prometheus exposition at this moment. */
  renderMetrics(): string;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  ctx: RouteContext,
) => void | Promise<void>;

interface Route {
  method: "GET" | "POST";
  /** Template used for matching and as the metric label. */
  template: string;
  /** API routes get the injected latency and errors; /health and /metrics never do. */
  api: boolean;
  handle: Handler;
}

/** The outcome of matching a request line against the table. */
export type RouteMatch =
  | { kind: "found"; template: string; api: boolean; params: Record<string, string>; handle: Handler }
  | { kind: "method_not_allowed"; template: string; allow: string[] }
  | { kind: "not_found" };

const routes: Route[] = [
  { method: "GET", template: "/health", api: false, handle: health },
  { method: "GET", template: "/metrics", api: false, handle: metrics },
  { method: "GET", template: "/api/items", api: true, handle: listItems },
  { method: "POST", template: "/api/items", api: true, handle: createItem },
  { method: "GET", template: "/api/items/:id", api: true, handle: getItem },
];

/** Finds the route for `method` and `pathname`. HEAD is served by GET routes, as HTTP allows. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const effective = method === "HEAD" ? "GET" : method;
  const allow: string[] = [];
  let template: string | undefined;
  for (const route of routes) {
    const params = matchTemplate(route.template, pathname);
    if (!params) continue;
    template = route.template;
    if (route.method === effective)
      return { kind: "found", template, api: route.api, params, handle: route.handle };
    allow.push(route.method);
  }
  if (template)
    return {
      kind: "method_not_allowed",
      template,
      allow: allow.includes("GET") ? [...allow, "HEAD"] : allow,
    };
  return { kind: "not_found" };
}

function matchTemplate(template: string, pathname: string): Record<string, string> | null {
  // A trailing slash is tolerated ("/api/items/"), an empty segment elsewhere is not.
  const path = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  const want = template.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":")) {
      if (g === "") return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

function health(
  _req: IncomingMessage,
  res: ServerResponse,
  _params: Record<string, string>,
  ctx: RouteContext,
): void {
  const ready = !ctx.draining();
  // Liveness stays true while draining: the process is fine, it just should not get new traffic.
  sendJson(res, ready ? 200 : 503, {
    status: ready ? "ok" : "draining",
    version: ctx.config.version,
    uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
    checks: { live: true, ready },
  });
}

function metrics(
  _req: IncomingMessage,
  res: ServerResponse,
  _params: Record<string, string>,
  ctx: RouteContext,
): void {
  const text = ctx.renderMetrics();
  res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function listItems(
  _req: IncomingMessage,
  res: ServerResponse,
  _params: Record<string, string>,
  ctx: RouteContext,
): void {
  const items = ctx.store.list();
  sendJson(res, 200, { items, count: items.length });
}

function getItem(
  _req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  ctx: RouteContext,
): void {
  const id = params.id ?? "";
  if (!isValidItemId(id)) return sendError(res, 400, "invalid_id", "item ids are positive integers");
  const item = ctx.store.get(id);
  if (!item) return sendError(res, 404, "not_found", `no item with id ${id}`);
  sendJson(res, 200, item);
}

const bodyFailures: Record<BodyFailure, { status: number; message: string }> = {
  unsupported_media_type: { status: 415, message: "send the body as application/json" },
  payload_too_large: { status: 413, message: "the request body is too large" },
  invalid_json: { status: 400, message: "the request body is not valid JSON" },
  aborted: { status: 400, message: "the request body was not received completely" },
};

async function createItem(
  req: IncomingMessage,
  res: ServerResponse,
  _params: Record<string, string>,
  ctx: RouteContext,
): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) {
    const { status, message } = bodyFailures[body.failure];
    // An oversized body may still be arriving: close the connection rather than read it all.
    const headers: Record<string, string> =
      body.failure === "payload_too_large" ? { connection: "close" } : {};
    return sendError(res, status, body.failure, message, { headers });
  }
  const checked = validateNewItem(body.value);
  if (!checked.ok)
    return sendError(res, 400, "validation_failed", "the item is invalid", { details: checked.problems });
  const item = ctx.store.create(checked.value);
  sendJson(res, 201, item, { location: `/api/items/${item.id}` });
}
