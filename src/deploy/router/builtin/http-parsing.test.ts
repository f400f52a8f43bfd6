import { describe, expect, it } from "vitest";
import { BodyFramer } from "./body-framer";
import { findHeadEnd, parseHead, rewriteHead } from "./http-head";
import type { HttpHead } from "./http-head";

const b = (s: string): Buffer => Buffer.from(s, "latin1");

function parse(text: string, isRequest = true, pick: string[] = []): HttpHead | number {
  const buf = b(text);
  return parseHead(buf, findHeadEnd(buf, 0), isRequest, pick);
}

describe("parseHead", () => {
  it("reads a request's framing, connection options and picked headers", () => {
    const head = parse(
      "POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nConnection: close\r\nX-User: ann\r\nx-user: bob\r\n\r\n",
      true,
      ["x-user", "cookie"],
    ) as HttpHead;
    expect(head).toMatchObject({
      method: "POST",
      target: "/a?b=1",
      minor: 1,
      contentLength: 12,
      chunked: false,
      close: true,
    });
    expect(head.picked).toEqual(["ann, bob", null]);
  });

  it("reads a response status line with or without a reason", () => {
    expect(parse("HTTP/1.1 204 No Content\r\n\r\n", false)).toMatchObject({ status: 204, minor: 1 });
    expect(parse("HTTP/1.0 200\r\nContent-Length: 0\r\n\r\n", false)).toMatchObject({
      status: 200,
      minor: 0,
    });
    expect(parse("HTTP/1.1 2000 OK\r\n\r\n", false)).toBe(502);
    expect(parse("HTTP/2 200\r\n\r\n", false)).toBe(502);
  });

  it("accepts chunked as the last coding and rejects others", () => {
    expect(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")).toMatchObject({
      chunked: true,
    });
    expect(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")).toBe(501);
    expect(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false)).toBe(502);
  });

  it("rejects malformed request lines", () => {
    for (const line of [
      "GET  / HTTP/1.1",
      "GET / HTTP/1.1 x",
      "G\u00e9T / HTTP/1.1",
      "GET /\u0001 HTTP/1.1",
      "GET / http/1.1",
    ]) {
      expect(parse(`${line}\r\nHost: x\r\n\r\n`), line).toBe(400);
    }
    expect(parse("GET / HTTP/3.0\r\n\r\n")).toBe(505);
  });

  it("rewrites a head without hop-by-hop lines, adding headers", () => {
    const text =
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: 5\r\nX-Keep: 2\r\n\r\nBODY";
    const buf = b(text);
    const end = findHeadEnd(buf, 0);
    const head = parseHead(buf, end, true, []) as HttpHead;
    expect(rewriteHead(buf, end, head.drops, "x-forwarded-for: 1.2.3.4\r\n").toString("latin1")).toBe(
      "GET / HTTP/1.1\r\nHost: x\r\nX-Keep: 2\r\nx-forwarded-for: 1.2.3.4\r\n\r\n",
    );
  });

  it("finds a head end that straddles two reads", () => {
    const buf = b("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(findHeadEnd(buf.subarray(0, 26), 0)).toBe(-1);
    expect(findHeadEnd(buf, 26)).toBe(buf.length);
  });
});

describe("BodyFramer", () => {
  const chunked = "4\r\nWiki\r\n5;name=v\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";

  it("finds the end of a chunked body however it is split, leaving what follows", () => {
    const all = b(chunked + "GET /next");
    for (let cut1 = 1; cut1 < chunked.length; cut1 += 3) {
      for (let cut2 = cut1; cut2 < all.length; cut2 += 7) {
        const framer = new BodyFramer();
        framer.reset("chunked", -1);
        let used = 0;
        for (const part of [all.subarray(0, cut1), all.subarray(cut1, cut2), all.subarray(cut2)]) {
          if (framer.done) break;
          used += framer.feed(part, 0);
        }
        expect(framer.done).toBe(true);
        expect(used).toBe(chunked.length);
      }
    }
  });

  it("rejects malformed chunk framing", () => {
    for (const bad of ["x\r\n", "4\r\nWikiX\r\n", "4\nWiki", "0\r\nTrailer\n\r\n", "12345678901234\r\n"]) {
      const framer = new BodyFramer();
      framer.reset("chunked", -1);
      expect(framer.feed(b(bad), 0), JSON.stringify(bad)).toBe(-1);
    }
  });

  it("counts Content-Length bodies and close-delimited ones", () => {
    const framer = new BodyFramer();
    framer.reset("length", 5);
    expect(framer.feed(b("abc"), 0)).toBe(3);
    expect(framer.feed(b("defGET"), 0)).toBe(2);
    expect(framer.done).toBe(true);
    framer.reset("close", -1);
    expect(framer.feed(b("anything"), 0)).toBe(8);
    expect(framer.done).toBe(false);
    expect(framer.endOfStream()).toBe(true);
    framer.reset("length", 0);
    expect(framer.done).toBe(true);
  });
});
