/**
 * nginx OSS keeps no per-upstream counters, so the router writes an access log in its own format
 * (nginx-config.ts) and reads the appended bytes into the same MetricsCollector the builtin router
 * fills: analysis sees one shape whichever router ran.
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** One request as the access log records it. */
export interface AccessEntry {
  /** Epoch milliseconds when nginx logged the request (after its last byte was sent). */
  at: number;
  /** The version token (`s1`…) or `none` when no version was chosen. */
  token: string;
  status: number;
  /** Request time in milliseconds (nginx resolves it to 1 ms). */
  ms: number;
  /** Attempts that never got a response header from a backend (refused, reset, timed out). */
  connectionErrors: number;
  faulted: boolean;
}

/** Parses one line; null for anything not in the router's format (never throws). */
export function parseAccessLine(line: string): AccessEntry | null {
  const f = line.split("|");
  if (f.length !== 7) return null;
  const [msec, token, status, requestTime, upstreamStatus, headerTime, fault] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const at = Number(msec) * 1000;
  const code = Number(status);
  const seconds = Number(requestTime);
  if (!Number.isFinite(at) || !Number.isInteger(code) || !Number.isFinite(seconds)) return null;
  return {
    at: Math.round(at),
    token,
    status: code,
    ms: seconds * 1000,
    connectionErrors: countConnectionErrors(upstreamStatus, headerTime),
    faulted: fault !== "0" && fault !== "-",
  };
}

/**
 * $upstream_status and $upstream_header_time list one entry per attempt (`, ` between servers of a
 * group, ` : ` between groups). An attempt that ended in 502/504 with no header time never got a
 * response: that is a connection error, not a backend's own 502.
 */
function countConnectionErrors(statuses: string, headerTimes: string): number {
  if (statuses === "-") return 0;
  const s = statuses.split(/[,:]/);
  const h = headerTimes.split(/[,:]/);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s[i]!.trim();
    if ((code === "502" || code === "504") && (h[i] ?? "-").trim() === "-") n++;
  }
  return n;
}

/** Reads what nginx appended since the last call; keeps a partial last line for the next read. */
export class AccessLogTail {
  private handle: FileHandle | null = null;
  private offset = 0;
  private partial = "";
  private reading: Promise<number> | null = null;

  constructor(
    private readonly file: string,
    private readonly onEntry: (entry: AccessEntry) => void,
  ) {}

  /** Reads the new lines; resolves with how many bytes were new. Concurrent calls share one read. */
  read(): Promise<number> {
    this.reading ??= this.readNow().finally(() => (this.reading = null));
    return this.reading;
  }

  /**
   * Reads until the log has been quiet for `quietMs`: nginx logs a request just after its response
   * left, so a client that has its answer may still be a moment ahead of the log.
   */
  async settle(quietMs = 15, maxMs = 500): Promise<void> {
    const deadline = Date.now() + maxMs;
    await this.read();
    for (;;) {
      await new Promise((r) => setTimeout(r, quietMs));
      if ((await this.read()) === 0 || Date.now() > deadline) return;
    }
  }

  async close(): Promise<void> {
    await this.reading?.catch(() => 0);
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }

  private async readNow(): Promise<number> {
    if (this.handle === null) {
      try {
        this.handle = await open(this.file, "r");
      } catch {
        return 0; // nginx has not created it yet
      }
    }
    let total = 0;
    const buffer = Buffer.allocUnsafe(256 * 1024);
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      total += bytesRead;
      const text = this.partial + buffer.toString("utf8", 0, bytesRead);
      const lines = text.split("\n");
      this.partial = lines.pop()!;
      for (const line of lines) {
        const entry = parseAccessLine(line);
        if (entry !== null) this.onEntry(entry);
      }
    }
    return total;
  }
}
