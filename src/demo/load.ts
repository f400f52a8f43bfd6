/**
 * Synthetic traffic for the demo's production canary: a steady request rate over keep-alive
 * connections, counting responses by status class, so the demo can say how many requests failed
 * while versions changed under them.
 */
import http from "node:http";

export interface LoadStats {
  sent: number;
  ok: number;
  /** 5xx answers (what a bad canary produces). */
  serverErrors: number;
  /** Requests that got no answer at all (a refused or reset connection). */
  failed: number;
}

export interface RunningLoad {
  stats(): LoadStats;
  stop(): Promise<LoadStats>;
}

export function startLoad(url: string, requestsPerSecond: number): RunningLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const stats: LoadStats = { sent: 0, ok: 0, serverErrors: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  const fire = (): void => {
    stats.sent += 1;
    const done = new Promise<void>((resolve) => {
      const req = http.get(url, { agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 500) stats.serverErrors += 1;
          else stats.ok += 1;
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        stats.failed += 1;
        resolve();
      });
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const started = Date.now();
  // Fire by elapsed time rather than one request per tick, so a busy event loop catches up.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * requestsPerSecond);
    while (stats.sent < due) fire();
  }, 10);
  return {
    stats: () => ({ ...stats }),
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      agent.destroy();
      return { ...stats };
    },
  };
}
