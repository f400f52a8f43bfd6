/**
 * Per-request metrics from HAProxy's log. `show stat` has counters but only average times (and they
 * restart with every reloaded worker), while the analysis judges (Mann-Whitney, sequential) want one
 * latency per request: so every request is logged in a raw line to this collector,
 * which feeds the same MetricsCollector the builtin router uses. The lines go through a 4 MiB HAProxy
 * `ring` forwarded over loopback TCP: UDP syslog was measured losing half the lines under wrk load (the
 * kernel's receive buffer overflows), the ring only drops when 4 MiB of lines are waiting. Gap: `%Ta`
 * is whole milliseconds.
 */
import net from "node:net";
import type { MetricsCollector } from "../metrics";

export class LogCollector {
  /** Lines logged per worker pid, to tell when the log has caught up with a worker's counters. */
  readonly linesByPid = new Map<number, number>();
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;

  constructor(
    /** The version's collector for a backend name; undefined for requests outside any version. */
    private readonly collectorOf: (backend: string) => MetricsCollector | undefined,
    private readonly now: () => number,
  ) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      let rest = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        for (const line of lines) if (line !== "") this.record(line);
      });
      socket.on("error", () => {});
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<number> {
    if (this.port !== 0) return this.port;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  close(): void {
    if (this.port !== 0) this.server.close();
    for (const socket of this.sockets) socket.destroy();
    this.port = 0;
  }

  /** `sluice pid backend status Ta retries termination fault` (config.ts LOG_FORMAT). */
  private record(line: string): void {
    const [tag, pid, backend, status, ta, retries, term, fault] = line.trim().split(" ");
    if (tag !== "sluice" || fault === undefined) return;
    const p = Number(pid);
    this.linesByPid.set(p, (this.linesByPid.get(p) ?? 0) + 1);
    const metrics = backend === undefined ? undefined : this.collectorOf(backend);
    if (metrics === undefined) return;
    const code = Number(status);
    // A request aborted before any response logs status -1: it finished, but with no status.
    metrics.record(code > 0 ? code : 0, Math.max(0, Number(ta) || 0), this.now());
    // Each retry is a failed connection attempt; "SC" ends a request whose last attempt failed too.
    metrics.connectionErrors += Number(/\d+/.exec(retries ?? "")?.[0] ?? 0);
    if (term?.startsWith("SC")) metrics.connectionErrors++;
    if (fault === "1") metrics.faultsInjected++;
  }
}
