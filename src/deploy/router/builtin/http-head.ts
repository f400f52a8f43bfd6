/**
 * A strict parser for HTTP/1.x message heads, just enough for forwarding: the request or status line,
 * the framing headers, the hop-by-hop headers a proxy must drop, and the few headers routing reads.
 *
 * Why not node:http: measured on loopback (wrk, 50 connections) a node:http proxy forwards ≈ 0.45×
 * what nginx does, and ≈ 4× less than this parser with raw sockets; most of the difference is the
 * IncomingMessage/ServerResponse/ClientRequest objects and header dictionaries built per request.
 * Strictness is what makes a hand-written parser safe in front of other servers: anything ambiguous
 * (CL with TE, two different lengths, bare CR or LF, obs-fold, a bad token) is rejected with 400
 * rather than interpreted, so no request-smuggling disagreement with the backend is possible.
 */

/** The first index after a head's empty line, or -1 while the head is incomplete. */
export function findHeadEnd(buf: Buffer, from: number): number {
  const i = buf.indexOf("\r\n\r\n", Math.max(0, from - 3), "latin1");
  return i < 0 ? -1 : i + 4;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters, space and DEL are never valid in a request target (RFC 9112 §3.2).
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const BAD_TARGET = /[\x00-\x20\x7f]/;

export interface HttpHead {
  /** Request only. */
  method: string;
  target: string;
  /** Response only: the status code. */
  status: number;
  /** The minor HTTP version: 0 or 1. */
  minor: number;
  /** Content-Length, or -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** `Connection: close` was sent. */
  close: boolean;
  /** `Connection: keep-alive` was sent (matters for HTTP/1.0 only). */
  keepAlive: boolean;
  /** The `Upgrade` header's value when `Connection: upgrade` asks for it, else null. */
  upgrade: string | null;
  /** The existing X-Forwarded-For value (its line is dropped so the proxy can append to it). */
  forwardedFor: string | null;
  /** Byte ranges [start, end) of header lines to leave out when forwarding, pairs in order. */
  drops: number[];
  /** Values of the caller's `pick` names, same order; null where absent. Repeats are joined by ", ". */
  picked: (string | null)[];
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) that a proxy must not forward. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);

/**
 * Parses the head in `buf[0, end)` (end from findHeadEnd). Returns the head, or the status to answer
 * with for a malformed request (400, 501, 505); for responses any number means "bad gateway".
 */
export function parseHead(
  buf: Buffer,
  end: number,
  isRequest: boolean,
  pick: readonly string[],
): HttpHead | number {
  const lineEnd = buf.indexOf(10);
  if (lineEnd < 1 || buf[lineEnd - 1] !== 13) return 400;
  const head: HttpHead = {
    method: "",
    target: "",
    status: 0,
    minor: 1,
    contentLength: -1,
    chunked: false,
    close: false,
    keepAlive: false,
    upgrade: null,
    forwardedFor: null,
    drops: [],
    picked: pick.length === 0 ? [] : new Array<string | null>(pick.length).fill(null),
  };
  const firstLine = isRequest
    ? parseRequestLine(buf, lineEnd - 1, head)
    : parseStatusLine(buf, lineEnd - 1, head);
  if (firstLine !== 0) return firstLine;
  let connection: string | null = null;
  let upgrade: string | null = null;
  let te: string | null = null;
  let pos = lineEnd + 1;
  while (pos < end - 2) {
    const lf = buf.indexOf(10, pos);
    const eol = lf - 1;
    // Every line ends in CRLF and holds no other CR; a line starting with whitespace is obs-fold.
    if (lf < 0 || lf >= end || buf[eol] !== 13 || buf.indexOf(13, pos) !== eol) return 400;
    const colon = buf.indexOf(58, pos);
    if (colon <= pos || colon > eol) return 400;
    const name = buf.toString("latin1", pos, colon).toLowerCase();
    if (!TOKEN.test(name)) return 400;
    switch (name) {
      case "content-length": {
        const value = buf.toString("latin1", colon + 1, eol).trim();
        if (!/^\d{1,15}$/.test(value)) return 400;
        const n = Number(value);
        if (head.contentLength >= 0 && head.contentLength !== n) return 400;
        head.contentLength = n;
        break;
      }
      case "transfer-encoding":
        te = te === null ? valueOf(buf, colon, eol) : `${te}, ${valueOf(buf, colon, eol)}`;
        break;
      case "connection":
        connection =
          connection === null ? valueOf(buf, colon, eol) : `${connection}, ${valueOf(buf, colon, eol)}`;
        break;
      case "upgrade":
        upgrade = valueOf(buf, colon, eol);
        break;
      case "x-forwarded-for":
        head.forwardedFor =
          head.forwardedFor === null
            ? valueOf(buf, colon, eol)
            : `${head.forwardedFor}, ${valueOf(buf, colon, eol)}`;
        head.drops.push(pos, lf + 1);
        break;
    }
    if (HOP_BY_HOP.has(name)) head.drops.push(pos, lf + 1);
    for (let i = 0; i < pick.length; i++) {
      if (pick[i] !== name) continue;
      const v = valueOf(buf, colon, eol);
      head.picked[i] = head.picked[i] == null ? v : `${head.picked[i]}, ${v}`;
    }
    pos = lf + 1;
  }
  if (te !== null) {
    // Only `chunked` as the last coding frames a body we can find the end of; with Content-Length as
    // well the message is ambiguous — the classic smuggling vector — so it is refused.
    if (!/(?:^|,)\s*chunked\s*$/i.test(te)) return isRequest ? 501 : 502;
    if (head.contentLength >= 0) return 400;
    head.chunked = true;
  }
  if (connection !== null) applyConnection(buf, end, connection, upgrade, head);
  return head;
}

function valueOf(buf: Buffer, colon: number, eol: number): string {
  return buf.toString("latin1", colon + 1, eol).trim();
}

function parseRequestLine(buf: Buffer, eol: number, head: HttpHead): number {
  const sp1 = buf.indexOf(32);
  const sp2 = sp1 < 0 ? -1 : buf.indexOf(32, sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= eol || eol - sp2 !== 9) return 400;
  head.method = buf.toString("latin1", 0, sp1);
  head.target = buf.toString("latin1", sp1 + 1, sp2);
  if (!TOKEN.test(head.method) || head.target.length === 0 || BAD_TARGET.test(head.target)) return 400;
  const version = buf.toString("latin1", sp2 + 1, eol);
  if (version === "HTTP/1.1") head.minor = 1;
  else if (version === "HTTP/1.0") head.minor = 0;
  else return /^HTTP\/\d\.\d$/.test(version) ? 505 : 400;
  return 0;
}

function parseStatusLine(buf: Buffer, eol: number, head: HttpHead): number {
  // "HTTP/1.x NNN" then an optional reason.
  if (eol < 12 || buf.toString("latin1", 0, 7) !== "HTTP/1." || buf[8] !== 32) return 502;
  if (eol > 12 && buf[12] !== 32) return 502;
  const minor = buf[7]! - 48;
  const status = Number(buf.toString("latin1", 9, 12));
  if ((minor !== 0 && minor !== 1) || !(status >= 100 && status <= 599)) return 502;
  head.minor = minor;
  head.status = status;
  return 0;
}

/** Reads the Connection tokens: close/keep-alive/upgrade, and other headers it names as hop-by-hop. */
function applyConnection(
  buf: Buffer,
  end: number,
  connection: string,
  upgrade: string | null,
  head: HttpHead,
): void {
  const extra: string[] = [];
  for (const raw of connection.split(",")) {
    const token = raw.trim().toLowerCase();
    if (token === "close") head.close = true;
    else if (token === "keep-alive") head.keepAlive = true;
    else if (token === "upgrade") head.upgrade = upgrade;
    else if (token !== "" && !HOP_BY_HOP.has(token)) extra.push(token);
  }
  if (extra.length > 0) dropNamed(buf, end, extra, head.drops);
}

/** Rare path: a Connection header named further headers; find their lines and drop them too. */
function dropNamed(buf: Buffer, end: number, names: string[], drops: number[]): void {
  let pos = buf.indexOf(10) + 1;
  while (pos < end - 2) {
    const lf = buf.indexOf(10, pos);
    const colon = buf.indexOf(58, pos);
    if (names.includes(buf.toString("latin1", pos, colon).toLowerCase())) drops.push(pos, lf + 1);
    pos = lf + 1;
  }
  // Keep pairs ordered by start so the writer can copy the gaps in one pass.
  const pairs: [number, number][] = [];
  for (let i = 0; i < drops.length; i += 2) pairs.push([drops[i]!, drops[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  drops.length = 0;
  for (const [s, e] of pairs) if (drops[drops.length - 2] !== s) drops.push(s, e);
}

/**
 * The head to forward: `buf[0, end - 2)` without the dropped lines, then `extra` header lines, then
 * the empty line. One allocation and copy; measured cheaper than a corked writev of the pieces.
 */
export function rewriteHead(buf: Buffer, end: number, drops: readonly number[], extra: string): Buffer {
  let size = end + extra.length;
  for (let i = 0; i < drops.length; i += 2) size -= drops[i + 1]! - drops[i]!;
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let at = 0;
  for (let i = 0; i < drops.length; i += 2) {
    at += buf.copy(out, at, from, drops[i]!);
    from = drops[i + 1]!;
  }
  at += buf.copy(out, at, from, end - 2);
  at += out.write(extra, at, "latin1");
  out[at] = 13;
  out[at + 1] = 10;
  return out;
}
