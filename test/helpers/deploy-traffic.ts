/**
 * Client traffic through an environment's router during a deployment test: a few keep-alive loops
 * sending GET / and recording, per request, when it finished, its status and the version that
 * answered (the fixture server's x-version header). A failure is anything but a 2xx answer.
 */
import http from "node:http";

export interface TrafficRecord {
  at: number;
  status: number;
  /** The answering version, null when the request failed before an answer. */
  version: string | null;
  error?: string;
}

export class Traffic {
  readonly records: TrafficRecord[] = [];
  #running = true;
  readonly #loops: Promise<void>[] = [];
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  /** Starts `concurrency` loops against `url()` (read per request, so a restarted router is followed). */
  constructor(url: () => string, concurrency = 3, pauseMs = 10) {
    for (let i = 0; i < concurrency; i++) this.#loops.push(this.#loop(url, pauseMs));
  }

  async #loop(url: () => string, pauseMs: number): Promise<void> {
    while (this.#running) {
      this.records.push(await this.#request(url()));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  #request(url: string): Promise<TrafficRecord> {
    return new Promise((resolve) => {
      const req = http.get(url, { agent: this.#agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            at: Date.now(),
            status: res.statusCode ?? 0,
            version: (res.headers["x-version"] as string | undefined) ?? null,
          }),
        );
        res.on("error", (err) => resolve({ at: Date.now(), status: 0, version: null, error: err.message }));
      });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (err) => resolve({ at: Date.now(), status: 0, version: null, error: err.message }));
    });
  }

  /** Stops the loops (after their request in flight) and closes the connections. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    this.#agent.destroy();
  }

  failures(since = 0): TrafficRecord[] {
    return this.records.filter((r) => r.at >= since && (r.status < 200 || r.status >= 300));
  }

  /** Requests per answering version since `since`. */
  byVersion(since = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) {
      if (r.at < since || r.version === null) continue;
      out[r.version] = (out[r.version] ?? 0) + 1;
    }
    return out;
  }

  /** Resolves once `n` more requests have finished. */
  async waitForRequests(n: number, timeoutMs = 10_000): Promise<void> {
    const target = this.records.length + n;
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < target) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.records.length} of ${target} requests finished`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
