// A tiny versioned service for the deployment end-to-end tests: answers every request with its
// VERSION (and an x-version header), or with a 500 for a share ERROR_RATE of requests. The argv
// tag (`--tag <test dir>`) lets a test find the instances it started, and only those.
import http from "node:http";

const rate = Number(process.env.ERROR_RATE ?? 0);
const version = process.env.VERSION ?? "unknown";
const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.end("ok");
    return;
  }
  res.setHeader("x-version", version);
  if (Math.random() < rate) {
    res.statusCode = 500;
    res.end(`injected error from ${version}\n`);
    return;
  }
  res.end(`${version}\n`);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
