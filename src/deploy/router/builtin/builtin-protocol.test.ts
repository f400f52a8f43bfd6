/**
 * HTTP/1.1 correctness of the builtin proxy on real sockets: bodies in both framings, large streams,
 * hop-by-hop headers, HTTP/1.0, HEAD, 100-continue, pipelined requests, upgrades, and requests a
 * strict proxy must refuse (the request-smuggling shapes).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../../scripts/services/node-backend";
import { request } from "../testing";
import { BuiltinRouter } from "./builtin-router";

/** Writes `data` (pieces sent `gapMs` apart) and returns everything read until the server closes or `idleMs` of silence. */
function raw(port: number, data: string | string[], idleMs = 300, gapMs = 5): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let out = "";
    let timer = setTimeout(() => socket.end(), idleMs);
    socket.setEncoding("latin1");
    socket.on("data", (s: string) => {
      out += s;
      clearTimeout(timer);
      timer = setTimeout(() => socket.end(), idleMs);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on("error", reject);
    const pieces = Array.isArray(data) ? [...data] : [data];
    const send = (): void => {
      const piece = pieces.shift();
      if (piece === undefined) return;
      socket.write(piece, "latin1");
      setTimeout(send, gapMs);
    };
    send();
  });
}

const statusLines = (s: string): string[] => s.match(/HTTP\/1\.[01] \d{3}/g) ?? [];

describe("builtin router: HTTP/1.1 forwarding", () => {
  let backend: RunningBackend;
  let router: BuiltinRouter;
  let port: number;

  beforeAll(async () => {
    backend = await startNodeBackend({ version: "v1" });
    router = new BuiltinRouter({});
    await router.setBackends("v1", [{ host: "127.0.0.1", port: backend.port }]);
    await router.setWeights({ v1: 100 });
    ({ port } = await router.start());
  });
  afterAll(async () => {
    await router.stop();
    await backend.close();
  });

  it("streams large bodies both ways, Content-Length and chunked", async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 97);
    const echoed = await request(port, { method: "POST", path: "/echo", body: big });
    expect(echoed.status).toBe(200);
    expect(echoed.body.length).toBe(big.length);
    const chunked = await request(port, { path: "/?bytes=3000000&chunked=1" });
    expect(chunked.headers["transfer-encoding"]).toBe("chunked");
    expect(chunked.body.length).toBe(3_000_000);
    const sized = await request(port, { path: "/?bytes=1000001" });
    expect(sized.body.length).toBe(1_000_001);
  });

  it("forwards a chunked request body split at every awkward point, then serves the next request", async () => {
    const msg =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    const pieces = msg.match(/[\s\S]{1,3}/g)!;
    const out = await raw(port, [...pieces, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"], 300, 1);
    expect(statusLines(out)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(out).toContain("hello world");
  });

  it("answers pipelined requests in order on one connection", async () => {
    const one = (d: number): string => `GET /?delay=${d} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const out = await raw(port, one(80) + one(0) + "GET /?status=404 HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(statusLines(out)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 404"]);
  });

  it("drops hop-by-hop headers and appends X-Forwarded-For", async () => {
    const reply = await request(port, {
      path: "/headers",
      headers: {
        connection: "keep-alive, x-secret",
        "x-secret": "1",
        "keep-alive": "timeout=9",
        "x-forwarded-for": "10.0.0.1",
      },
    });
    const seen = JSON.parse(reply.body) as Record<string, string>;
    expect(seen["x-secret"]).toBeUndefined();
    expect(seen["keep-alive"]).toBeUndefined();
    expect(seen["x-forwarded-for"]).toBe("10.0.0.1, 127.0.0.1");
    expect(reply.headers["keep-alive"]).toBeUndefined();
  });

  it("closes after an HTTP/1.0 request and after Connection: close", async () => {
    const out10 = await raw(port, "GET / HTTP/1.0\r\n\r\n", 2000);
    expect(out10).toMatch(/^HTTP\/1\.[01] 200/);
    expect(out10.toLowerCase()).toContain("connection: close");
    const outClose = await raw(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000);
    expect(statusLines(outClose)).toEqual(["HTTP/1.1 200"]);
  });

  it("sends no body for HEAD and relays 100-continue", async () => {
    const head = await raw(
      port,
      "HEAD /?bytes=500 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    expect(statusLines(head)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(head).not.toContain("xxxxx");
    const cont = await raw(port, [
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
      "ping",
    ]);
    expect(statusLines(cont)).toEqual(["HTTP/1.1 100", "HTTP/1.1 200"]);
    expect(cont).toContain("\r\nping\r\n");
  });

  it("tunnels an upgraded connection both ways", async () => {
    const out = await raw(port, [
      "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n",
      "marco",
    ]);
    expect(statusLines(out)).toEqual(["HTTP/1.1 101"]);
    expect(out.endsWith("marco")).toBe(true);
    expect((await router.metrics("v1"))!.status["1xx"]).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [
      "Content-Length with Transfer-Encoding",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
    ],
    [
      "two different Content-Lengths",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
      400,
    ],
    ["a non-numeric Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd", 400],
    ["an unknown transfer coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501],
    ["a bad chunk size", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400],
    ["a bare LF line end", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400],
    ["whitespace before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400],
    ["HTTP/2.0 on an HTTP/1 port", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505],
  ])("refuses %s", async (_name, message, status) => {
    const before = backend.stats.requests;
    const out = await raw(port, message, 1000);
    expect(statusLines(out)).toEqual([`HTTP/1.1 ${status}`]);
    expect(out.toLowerCase()).toContain("connection: close");
    expect(backend.stats.requests).toBe(before);
  });

  it("refuses a request head over 64 KiB with 431", async () => {
    const out = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`, 1000);
    expect(statusLines(out)).toEqual(["HTTP/1.1 431"]);
  });
});
