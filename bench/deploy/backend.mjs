// One instance of the benchmark's service, started by the process target. Environment:
//   PORT, HOST, VERSION, SLUICE_INSTANCE   set by the target
//   ERROR_RATE          share of requests answered 500 (default 0)
//   LATENCY_MEDIAN_MS   median of a log-normal service time (default 0: answer at once)
//   LATENCY_SIGMA       its σ (default 0.5; median 100 ms, σ 0.5 gives p95 ≈ 227 ms, as bench/analysis)
//   EXTRA_LATENCY_MS    added to every request (a +200 ms regression moves every quantile by 200 ms)
//   SEED                seeds the error and latency draws, with the version and the instance
// Every response carries `x-version`, so the load generator can tell which version answered.
// SIGTERM: stop accepting, finish what is in flight, exit (the target drains it that way).
import http from "node:http";

const env = process.env;
const port = Number(env.PORT);
const host = env.HOST || "127.0.0.1";
const version = env.VERSION ?? "unknown";
const errorRate = Number(env.ERROR_RATE ?? 0);
const median = Number(env.LATENCY_MEDIAN_MS ?? 0);
const sigma = Number(env.LATENCY_SIGMA ?? 0.5);
const extra = Number(env.EXTRA_LATENCY_MS ?? 0);

// mulberry32, seeded from SEED, the version and the instance id.
let state = hash(`${env.SEED ?? "1"}/${version}/${env.SLUICE_INSTANCE ?? ""}`);
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
function normal() {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const body = Buffer.from(JSON.stringify({ version }));
const server = http.createServer((req, res) => {
  const fail = random() < errorRate;
  const delay = (median > 0 ? median * Math.exp(sigma * normal()) : 0) + extra;
  const answer = () => {
    res.statusCode = fail ? 500 : 200;
    res.setHeader("content-type", "application/json");
    res.setHeader("x-version", version);
    res.end(body);
  };
  req.resume();
  if (delay > 0) setTimeout(answer, delay);
  else answer();
});
server.keepAliveTimeout = 65_000;

process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
});
server.listen(port, host);
