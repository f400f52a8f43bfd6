/**
 * Sluice's side of the spawn helper (helper-program.ts): one long-lived small Node process that
 * spawns step processes on request and relays their output and exit. Signals still go from here
 * straight to each step's process group, so stopping does not depend on the helper.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import type { OutputSink, ProcessExit, ProcessHandle, ProcessSpec } from "../types";
import { createGroupHandle } from "./group-handle";
import type { GroupTracker } from "./group-handle";
import { FRAME, FRAME_HEADER, HELPER_PROGRAM } from "./helper-program";

interface InFlight {
  sink: OutputSink;
  pid: number | undefined;
  startTime: string | null;
  started(pid: number | undefined, startTime?: string | null): void;
  exited(exit: ProcessExit): void;
}

/** Most bytes of the helper's own stderr kept to explain its death. */
const STDERR_KEEP = 4096;

export class SpawnHelper {
  private readonly child: ChildProcess;
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private pending: Buffer | null = null;
  private stderr = "";
  private deadReason: string | null = null;
  private closed = false;
  private isReady = false;
  private readonly gone: Promise<void>;

  /** SLUICE_SPAWN_TRACE=<file>: timestamps of each request for bench/engine/critical-path.mjs. */
  private readonly trace: string[] | null;

  constructor() {
    const traceFile = process.env.SLUICE_SPAWN_TRACE || undefined;
    this.trace = traceFile === undefined ? null : [];
    if (traceFile !== undefined) {
      const trace = this.trace!;
      process.once("exit", () => writeFileSync(`${traceFile}.main`, trace.join("\n") + "\n"));
    }
    // Its own process group (Ctrl-C is Sluice's to handle) and no inherited NODE_OPTIONS, loaders
    // or inspector flags: the helper is a bare Node running a few dozen lines.
    const traceArgs = traceFile === undefined ? [] : ["trace", `${traceFile}.helper`];
    this.child = spawn(process.execPath, ["-e", HELPER_PROGRAM, ...traceArgs], {
      detached: true,
      env: {},
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      this.stderr = (this.stderr + s).slice(-STDERR_KEEP);
    });
    // Writes after the helper died fail with EPIPE; the exit handler below settles everything.
    this.child.stdin!.on("error", () => {});
    this.gone = new Promise((resolve) => {
      this.child.once("error", (err) => {
        this.die(`cannot start the spawn helper: ${err.message}`);
        resolve();
      });
      this.child.once("close", (code, signal) => {
        this.die(
          `the spawn helper exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr}` : ""}`,
        );
        resolve();
      });
    });
    this.setRef(false);
  }

  /** True once the helper reads requests: from then on start() does not wait for its startup. */
  get ready(): boolean {
    return this.isReady && this.usable;
  }

  /** False once the helper has died or was closed: start() would fail every process. */
  get usable(): boolean {
    return this.deadReason === null && !this.closed;
  }

  start(spec: ProcessSpec, sink: OutputSink, tracker?: GroupTracker): ProcessHandle {
    const id = this.nextId++;
    let started!: (pid: number | undefined) => void;
    const startedP = new Promise<number | undefined>((resolve) => (started = resolve));
    let exited!: (exit: ProcessExit) => void;
    const exit = new Promise<ProcessExit>((resolve) => (exited = resolve));
    const entry: InFlight = {
      sink,
      pid: undefined,
      startTime: null,
      started: (pid, startTime = null) => {
        entry.pid = pid;
        entry.startTime = startTime;
        started(pid);
      },
      exited: (e) => {
        this.inFlight.delete(id);
        if (this.inFlight.size === 0) this.setRef(false);
        started(entry.pid);
        exited(e);
      },
    };
    if (!this.usable) {
      entry.exited({ exitCode: null, signal: null, error: new Error(this.deadReason ?? "closed") });
    } else {
      if (this.inFlight.size === 0) this.setRef(true);
      this.inFlight.set(id, entry);
      const { command, args, cwd, env } = spec;
      this.mark("s", id);
      this.child.stdin!.write(JSON.stringify({ id, command, args, cwd, env }) + "\n");
    }
    return createGroupHandle({
      pid: () => entry.pid,
      started: startedP,
      startTime: () => entry.startTime,
      exit,
      tracker,
    });
  }

  /**
   * Ends the helper (it leaves when its stdin ends) and resolves once it has exited, so that no
   * helper outlives its executor. Processes still running keep running. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Held until it has exited, so that awaiting this keeps the process alive.
      this.setRef(true);
      this.child.stdin!.end();
    }
    return this.gone;
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    while (buf.length >= 4) {
      const size = buf.readUInt32LE(0);
      if (buf.length < 4 + size) break;
      const kind = buf[4];
      const id = buf.readUInt32LE(5);
      const payload = buf.subarray(FRAME_HEADER, 4 + size);
      buf = buf.subarray(4 + size);
      if (kind === FRAME.READY) this.isReady = true;
      const entry = this.inFlight.get(id);
      if (entry) this.dispatch(entry, kind, payload, id);
    }
    this.pending = buf.length > 0 ? buf : null;
  }

  private mark(event: string, id: number): void {
    this.trace?.push(`${event} ${id} ${performance.timeOrigin + performance.now()}`);
  }

  private dispatch(entry: InFlight, kind: number | undefined, payload: Buffer, id: number): void {
    switch (kind) {
      case FRAME.STARTED: {
        const [pid, startTime] = payload.toString("latin1").split(" ");
        entry.started(Number(pid), startTime || null);
        return;
      }
      case FRAME.STDOUT:
        entry.sink.stdout(payload);
        return;
      case FRAME.STDERR:
        entry.sink.stderr(payload);
        return;
      case FRAME.EXIT: {
        const [exitCode, signal] = JSON.parse(payload.toString("utf8")) as [
          number | null,
          NodeJS.Signals | null,
        ];
        this.mark("x", id);
        entry.exited({ exitCode, signal });
        return;
      }
      case FRAME.ERROR: {
        const { message, ...props } = JSON.parse(payload.toString("utf8")) as { message: string };
        entry.exited({ exitCode: null, signal: null, error: Object.assign(new Error(message), props) });
        return;
      }
      default:
        return;
    }
  }

  /** The helper is gone: whatever it was running can no longer be observed. */
  private die(reason: string): void {
    this.deadReason ??= reason;
    for (const entry of [...this.inFlight.values()]) {
      entry.exited({ exitCode: null, signal: null, error: new Error(this.deadReason) });
    }
  }

  /** Holds the event loop open only while processes are in flight. */
  private setRef(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr]) {
      const handle = h as { ref?(): void; unref?(): void } | null;
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}
