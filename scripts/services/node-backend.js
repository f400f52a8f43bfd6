// A tiny HTTP backend for router tests and benchmarks: it answers with its version name so a test can
// tell which version served a request, and has knobs (query parameters) for statuses, delays, bodies
// and upgrades. Run standalone — `node node-backend.js --version v1 [--port 0] [--host 127.0.0.1]` —
// it prints {"port":N} once listening; or import startNodeBackend() to run it in-process.
import http from "node:http";
import { pathToFileURL } from "node:url";

/**
 *   GET /               200 "<version>\n" (Content-Length)
 *   ?status=N           answer with status N
 *   ?delay=MS           answer after MS milliseconds
 *   ?bytes=N[&chunked=1] N bytes of body, chunked when asked, in 64 KiB writes
 *   /echo               the request body back (chunked), after reading all of it
 *   /headers            the request headers as JSON
 *   Upgrade: echo       101, then every byte back (a tunnel test)
 */
export function createBackendServer(version) {
  const stats = { requests: 0, inFlight: 0 };
  const body = Buffer.from(`${version}\n`);
  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    res.on("close", () => stats.inFlight--);
    res.setHeader("x-backend-version", version);
    const q = req.url.indexOf("?");
    if (q < 0 && req.url === "/") {
      // The benchmark's path: no URL parsing, one write.
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      res.end(body);
      return;
    }
    const url = new URL(req.url, "http://x");
    const status = Number(url.searchParams.get("status") ?? 200);
    const delay = Number(url.searchParams.get("delay") ?? 0);
    const respond = () => answer(url, req, res, status, body);
    if (delay > 0) setTimeout(respond, delay);
    else respond();
  });
  server.on("upgrade", (req, socket, head) => {
    stats.requests++;
    socket.write("HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n");
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  server.keepAliveTimeout = 5000;
  return { server, stats };
}

function answer(url, req, res, status, body) {
  if (url.pathname === "/echo") {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/octet-stream" });
      res.end(Buffer.concat(parts));
    });
    return;
  }
  if (url.pathname === "/headers") {
    const json = JSON.stringify(req.headers);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
    return;
  }
  const bytes = url.searchParams.get("bytes");
  if (bytes !== null) {
    const total = Number(bytes);
    const chunked = url.searchParams.get("chunked") === "1";
    res.writeHead(status, chunked ? {} : { "content-length": total });
    const block = Buffer.alloc(64 * 1024, 120);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const n = Math.min(block.length, total - sent);
        sent += n;
        if (!res.write(n === block.length ? block : block.subarray(0, n)))
          return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
    return;
  }
  req.resume();
  res.writeHead(status, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
}

/** Starts a backend in this process. `close()` stops accepting and closes idle keep-alive sockets. */
export function startNodeBackend({ version, host = "127.0.0.1", port = 0 }) {
  const { server, stats } = createBackendServer(version);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        version,
        host,
        port: address.port,
        stats,
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const backend = await startNodeBackend({
    version: arg("version", "v1"),
    host: arg("host", "127.0.0.1"),
    port: Number(arg("port", "0")),
  });
  process.stdout.write(`${JSON.stringify({ port: backend.port })}\n`);
  process.on("SIGTERM", () => backend.close().then(() => process.exit(0)));
}
