/**
 * Pure generation of what HAProxy reads: haproxy.cfg and the split map. The router keeps a model
 * (versions → backends with server slots, the preview route, faults) and renders it whenever HAProxy
 * has to reload; weights and instance addresses change live through the runtime API in between.
 *
 * Routing: the frontend draws `rand(10000)` and looks it up in a `map_int` of ranges
 * (`0:8999 be_0`, `9000:9999 be_1`), one backend per version. A range map gives exact per-request
 * percentages at 0.01 % resolution whatever the instance counts (server weights, 0–256 per
 * server and divided across instances, would round 1/99 splits badly), and `prepare map` /
 * `commit map` swap the whole table atomically, so a request sees the old or the new split, never a mix.
 */
import { createError } from "../../../core/errors";
import type { Backend, HeaderRoute, Weights } from "../types";

/** Map resolution: rand(SPLIT_RANGE) per request, so weights are exact to 100 / SPLIT_RANGE percent. */
export const SPLIT_RANGE = 10_000;
/** The backend with no servers: requests there (no weights yet) get HAProxy's 503. */
export const NO_BACKEND = "be_none";

/** One version's backend: fixed server slots, null where a slot is free (in maintenance). */
export interface VersionBackend {
  version: string;
  name: string;
  slots: (Backend | null)[];
}

export interface ActiveFault {
  /** Backend name of the version, or null for every version. */
  backend: string | null;
  errorRate: number;
  latencyMs: number;
  status: number;
}

export interface ConfigModel {
  host: string;
  port: number;
  adminSocket: string;
  splitMap: string;
  luaFile: string;
  logPort: number;
  threads?: number;
  connectTimeoutMs: number;
  upstreamTimeoutMs: number;
  clientTimeoutMs: number;
  drainTimeoutMs: number;
  backends: VersionBackend[];
  /** The preview route with its version's backend name. */
  route: (HeaderRoute & { backend: string }) | null;
  faults: ActiveFault[];
}

/**
 * What each request logs (raw, through a ring forwarded over TCP to the router), after a `sluice` tag that sets it apart from
 * HAProxy's own messages ("Proxy fe stopped") on the same target: worker pid, chosen backend, status, total
 * active time in ms, retries, termination state, and whether a fault answered it.
 */
export const LOG_FORMAT = "sluice %pid %[var(txn.sv)] %ST %Ta %rc %ts %[var(txn.fault)]";

/** The Lua action that delays a request (HAProxy has no native sleep for HTTP requests). */
export const LUA_DELAY = [
  "core.register_action('sluice_delay', { 'http-req' }, function(txn, ms)",
  "  core.msleep(tonumber(ms))",
  "end, 1)",
  "",
].join("\n");

export function renderConfig(m: ConfigModel): string {
  return [
    "ring sluice_log",
    "  format raw",
    "  maxlen 1024",
    "  size 4194304",
    "  timeout connect 5s",
    "  timeout server 30s",
    `  server collector 127.0.0.1:${m.logPort}`,
    "global",
    `  stats socket ${m.adminSocket} mode 600 level admin expose-fd listeners`,
    "  log ring@sluice_log len 1024 local0",
    `  lua-load ${m.luaFile}`,
    // On reload, old workers close their keep-alive client connections spread over 2 s rather than
    // at once (HAProxy 2.6's default, which raced with clients sending on them: 15 "socket hang up"
    // per 17k requests over 6 reloads), so clients move to the new worker — its split, its backends —
    // within seconds. `infinite` avoided the race too but left busy keep-alive clients on the old
    // worker until hard-stop-after: most requests of a blue-green switch failed (bench/deploy).
    // (`idle-close-on-response`, the cleaner fix, arrived after HAProxy 2.6.12.)
    "  close-spread-time 2s",
    // Without SO_REUSEPORT a second router on a taken port fails instead of sharing it; reloads do not
    // need it, the master hands the listening sockets over.
    "  noreuseport",
    `  hard-stop-after ${m.drainTimeoutMs}ms`,
    ...(m.threads === undefined ? [] : [`  nbthread ${m.threads}`]),
    "defaults",
    "  mode http",
    "  log global",
    `  log-format "${LOG_FORMAT}"`,
    "  option http-keep-alive",
    // Readiness probes and port scans open connections without a request; they are not traffic.
    "  option dontlognull",
    "  retries 3",
    "  option redispatch 1",
    `  timeout connect ${m.connectTimeoutMs}ms`,
    `  timeout client ${m.clientTimeoutMs}ms`,
    `  timeout server ${m.upstreamTimeoutMs}ms`,
    "frontend fe",
    `  bind ${m.host.includes(":") ? `[${m.host}]` : m.host}:${m.port}`,
    `  http-request set-var(txn.sv) rand(${SPLIT_RANGE}),map_int(${m.splitMap},${NO_BACKEND})`,
    ...routeRules(m.route),
    ...m.faults.flatMap((f) => faultRules(f, m.faults)),
    "  use_backend %[var(txn.sv)]",
    `backend ${NO_BACKEND}`,
    ...m.backends.flatMap(renderBackend),
    "",
  ].join("\n");
}

function routeRules(route: ConfigModel["route"]): string[] {
  if (route === null) return [];
  const fetch = "header" in route ? `req.fhdr(${route.header})` : `req.cook(${route.cookie})`;
  return [
    `  http-request set-var(txn.sv) str(${route.backend}) if { ${fetch} -m str ${quote(route.value)} }`,
  ];
}

/** A version's own fault wins over an all-versions one, so the latter excludes those versions. */
function faultRules(f: ActiveFault, all: ActiveFault[]): string[] {
  const scope =
    f.backend !== null
      ? `{ var(txn.sv) -m str ${f.backend} }`
      : all
          .filter((o) => o.backend !== null)
          .map((o) => `!{ var(txn.sv) -m str ${o.backend} }`)
          .join(" ") || "TRUE";
  const rules: string[] = [];
  if (f.latencyMs > 0) rules.push(`  http-request lua.sluice_delay ${Math.round(f.latencyMs)} if ${scope}`);
  const perMillion = Math.round(f.errorRate * 1_000_000);
  if (perMillion > 0) {
    rules.push(`  http-request set-var(txn.fault) int(1) if ${scope} { rand(1000000) lt ${perMillion} }`);
    rules.push(
      `  http-request return status ${f.status} content-type text/plain string "injected fault" if ${scope} { var(txn.fault) -m found }`,
    );
  }
  return rules;
}

function renderBackend(b: VersionBackend): string[] {
  return [
    `backend ${b.name}`,
    "  balance roundrobin",
    ...b.slots.map((s, i) =>
      s === null ? `  server s${i} 127.0.0.1:1 disabled` : `  server s${i} ${hostPort(s)}`,
    ),
  ];
}

export function hostPort(b: Backend): string {
  return `${b.host.includes(":") ? `[${b.host}]` : b.host}:${b.port}`;
}

/** A double-quoted config word: `\`, `"` and `$` (environment expansion) escaped; no control chars. */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw createError("SLUICE_E_ROUTER_CONFIG", "A preview route value must not contain control characters.");
  }
  return `"${value.replace(/[\\"$]/g, "\\$&")}"`;
}

/**
 * The split map's entries for validated weights: contiguous ranges of [0, SPLIT_RANGE) whose bounds
 * are the rounded cumulative weights, so rounding never accumulates and the ranges cover all draws.
 */
export function splitEntries(weights: Weights, backendOf: (version: string) => string): [string, string][] {
  const entries: [string, string][] = [];
  let cumulative = 0;
  let low = 0;
  for (const [version, weight] of Object.entries(weights)) {
    cumulative += weight;
    const high = Math.min(SPLIT_RANGE, Math.round((cumulative * SPLIT_RANGE) / 100));
    if (high > low) entries.push([`${low}:${high - 1}`, backendOf(version)]);
    low = high;
  }
  return entries;
}

export function renderMap(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${k} ${v}\n`).join("");
}
