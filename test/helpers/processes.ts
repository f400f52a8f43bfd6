/** Finding and ending the processes a test started, by what `ps` shows of them. */
import { execFileSync } from "node:child_process";

export interface ProcessInfo {
  pid: number;
  pgid: number;
  args: string;
}

/** Every live process whose command line contains `needle`. */
export function processesMatching(needle: string): ProcessInfo[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,stat=,args="], { encoding: "utf8" });
  const found: ProcessInfo[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    // Zombies (stat Z) have exited; only their parent has yet to reap them.
    if (!m || m[3]!.startsWith("Z") || !m[4]!.includes(needle)) continue;
    found.push({ pid: Number(m[1]), pgid: Number(m[2]), args: m[4]! });
  }
  return found;
}

/** Polls until no process matches `needle` or `timeoutMs` passes; returns what is left. */
export async function waitForNoProcesses(needle: string, timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMatching(needle);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILLs the given processes (ones this test started), ignoring those already gone. */
export function killAll(processes: ProcessInfo[]): void {
  for (const p of processes) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** A number unlikely to be in use as a `sleep` duration by anything else on the machine. */
export function uniqueSeconds(): number {
  return 100_000 + Math.floor(Math.random() * 800_000);
}
