// Open-loop load generator, run as a child process (fork) so its event loop never competes with the
// builtin router's, which runs in the benchmark's own process as it runs in an agent. It sends
// `rate` requests per second to `url` on a schedule (not "as fast as answers come back"), over at most
// `connections` keep-alive sockets, and counts every request: by phase (the phase in force when it was
// sent), by the version that answered (`x-version`), and every failure (a non-2xx status, a socket
// error, no answer within `timeoutMs`).
//
// Messages from the parent: { type: "phase", name } starts attributing sends to `name`;
// { type: "stats" } answers { type: "stats", stats }; { type: "stop" } stops sending, waits for the
// requests in flight (up to timeoutMs) and answers { type: "stopped", stats }, then exits.
// Configuration comes as JSON in argv[2]: { url, rate, connections, timeoutMs }.
import http from "node:http";

const config = JSON.parse(process.argv[2] ?? "{}");
const url = new URL(config.url);
const rate = Number(config.rate);
const timeoutMs = Number(config.timeoutMs ?? 10_000);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(config.connections ?? 4) });

const phases = new Map();
let phase = null;
let inFlight = 0;
let sent = 0;
let stopping = false;
let started = 0;

function startPhase(name) {
  if (phase === null) started = Date.now();
  const p = { name, startedAt: Date.now(), endedAt: null, sent: 0, ok: 0, failed: 0, reasons: {} };
  p.versions = {};
  p.latencyMs = [];
  if (phase) phase.endedAt = p.startedAt;
  phases.set(name, p);
  phase = p;
}

function versionEntry(p, version) {
  let v = p.versions[version];
  if (v === undefined) {
    v = p.versions[version] = { requests: 0, errors: 0, firstSentAt: null, lastSentAt: null };
  }
  return v;
}

function finish(p, sentAt, version, reason) {
  inFlight--;
  const v = versionEntry(p, version ?? "none");
  v.requests++;
  if (v.firstSentAt === null) v.firstSentAt = sentAt;
  v.lastSentAt = Math.max(v.lastSentAt ?? 0, sentAt);
  if (reason === null) {
    p.ok++;
  } else {
    p.failed++;
    v.errors++;
    p.reasons[reason] = (p.reasons[reason] ?? 0) + 1;
  }
  if (stopping && inFlight === 0) done();
}

function send() {
  const p = phase;
  const sentAt = Date.now();
  p.sent++;
  sent++;
  inFlight++;
  let settled = false;
  const settle = (version, reason) => {
    if (settled) return;
    settled = true;
    p.latencyMs.push(Date.now() - sentAt);
    finish(p, sentAt, version, reason);
  };
  const req = http.request(
    { host: url.hostname, port: url.port, path: url.pathname, agent, headers: { connection: "keep-alive" } },
    (res) => {
      const version = res.headers["x-version"];
      res.on("data", () => {});
      res.on("end", () => {
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        settle(version, ok ? null : `status ${res.statusCode}`);
      });
      res.on("error", (err) => settle(version, err.code ?? "response error"));
    },
  );
  req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
  req.on("error", (err) => settle(undefined, err.code ?? err.message));
  req.end();
}

// Every 2 ms, send what the schedule says is due: the rate holds however answers are delayed.
const timer = setInterval(() => {
  if (stopping || phase === null) return;
  const due = Math.floor(((Date.now() - started) * rate) / 1000) - sent;
  for (let i = 0; i < due; i++) send();
}, 2);

function snapshot() {
  const out = {};
  for (const [name, p] of phases) {
    const sorted = [...p.latencyMs].sort((a, b) => a - b);
    const q = (x) =>
      sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))];
    const { latencyMs: _latency, ...rest } = p;
    out[name] = { ...rest, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: sorted.at(-1) ?? null };
  }
  return { phases: out, inFlight };
}

let finished = false;
function done() {
  if (finished) return;
  finished = true;
  if (phase) phase.endedAt ??= Date.now();
  process.send({ type: "stopped", stats: snapshot() }, () => process.exit(0));
}

process.on("message", (msg) => {
  if (msg.type === "phase") {
    startPhase(msg.name);
    process.send({ type: "phase", name: msg.name });
  } else if (msg.type === "stats") {
    process.send({ type: "stats", stats: snapshot() });
  } else if (msg.type === "stop") {
    stopping = true;
    clearInterval(timer);
    if (phase) phase.endedAt = Date.now();
    if (inFlight === 0) done();
    else setTimeout(done, timeoutMs + 1000);
  }
});
process.send({ type: "ready" });
