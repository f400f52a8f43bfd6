/**
 * Finds where a message body ends in a byte stream without decoding it: the proxy forwards the bytes
 * as they came (chunk framing included) and only needs to know when the message is over, so the next
 * request on the connection starts at the right byte and the backend socket can go back to the pool.
 */

/** No body; Content-Length; chunked; until the connection closes (responses only). */
export type BodyMode = "none" | "length" | "chunked" | "close";

const SIZE = 0;
const EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_START = 6;
const TRAILER = 7;
const TRAILER_LF = 8;
const END_LF = 9;

/** Longest chunk-size line (digits and extensions) and trailer section accepted, in bytes. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 65536;
/** 13 hex digits: 2^52 bytes, still an exact double. */
const MAX_SIZE_DIGITS = 13;

export class BodyFramer {
  mode: BodyMode = "none";
  done = true;
  /** Bytes left of a Content-Length body or of the current chunk's data. */
  private remaining = 0;
  private state = SIZE;
  private digits = 0;
  private lineBytes = 0;

  reset(mode: BodyMode, contentLength: number): void {
    this.mode = mode;
    this.remaining = mode === "length" ? contentLength : 0;
    this.done = mode === "none" || (mode === "length" && contentLength === 0);
    this.state = SIZE;
    this.digits = 0;
    this.lineBytes = 0;
  }

  /**
   * Consumes body bytes from `buf[start..]` and returns how many belong to this body (the rest is the
   * next message), or -1 when the chunk framing is malformed. Sets `done` when the body ends.
   */
  feed(buf: Buffer, start: number): number {
    const avail = buf.length - start;
    if (this.done) return 0;
    if (this.mode === "close") return avail;
    if (this.mode === "length") {
      const n = Math.min(avail, this.remaining);
      this.remaining -= n;
      if (this.remaining === 0) this.done = true;
      return n;
    }
    return this.feedChunked(buf, start);
  }

  /** The connection closed: a close-delimited body is complete; any other body was cut short. */
  endOfStream(): boolean {
    if (this.mode === "close") this.done = true;
    return this.done;
  }

  private feedChunked(buf: Buffer, start: number): number {
    let i = start;
    const n = buf.length;
    while (i < n) {
      if (this.state === DATA) {
        const take = Math.min(this.remaining, n - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = DATA_CR;
        continue;
      }
      const c = buf[i++]!;
      switch (this.state) {
        case SIZE: {
          const v = hexValue(c);
          if (v >= 0 && this.digits < MAX_SIZE_DIGITS) {
            this.remaining = this.remaining * 16 + v;
            this.digits++;
          } else if (this.digits > 0 && (c === 59 || c === 32 || c === 9))
            this.state = EXT; // ; or BWS
          else if (this.digits > 0 && c === 13) this.state = SIZE_LF;
          else return -1;
          break;
        }
        case EXT:
          if (c === 13) this.state = SIZE_LF;
          else if (c === 10 || ++this.lineBytes > MAX_LINE) return -1;
          break;
        case SIZE_LF:
          if (c !== 10) return -1;
          this.lineBytes = 0;
          this.state = this.remaining === 0 ? TRAILER_START : DATA;
          break;
        case DATA_CR:
          if (c !== 13) return -1;
          this.state = DATA_LF;
          break;
        case DATA_LF:
          if (c !== 10) return -1;
          this.state = SIZE;
          this.digits = 0;
          break;
        case TRAILER_START:
          if (c === 13) this.state = END_LF;
          else if (c === 10) return -1;
          else this.state = TRAILER;
          break;
        case TRAILER:
          if (c === 13) this.state = TRAILER_LF;
          else if (c === 10) return -1;
          break;
        case TRAILER_LF:
          if (c !== 10) return -1;
          this.state = TRAILER_START;
          break;
        case END_LF:
          if (c !== 10) return -1;
          this.done = true;
          return i - start;
      }
      if (this.state >= TRAILER_START && ++this.lineBytes > MAX_TRAILERS) return -1;
    }
    return i - start;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
