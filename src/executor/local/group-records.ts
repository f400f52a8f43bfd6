/**
 * The step process groups of one executor, written down under the state directory so that after a
 * crash (kill -9 of Sluice) the next Sluice can stop what was left running (orphan-groups.ts).
 *
 * One file per executor, named `<pid>-<start time>-<n>` after the Sluice process that owns it (the
 * pair tells a dead owner from a live process that reuses its pid). Each started group appends one
 * line `<pgid> <leader start time>`: a single write on a descriptor kept open, the only per-step
 * cost. Ended groups are dropped from memory only; the file is rewritten when most of its lines are
 * stale, and removed when the executor closes. Stale lines are harmless: recovery signals only
 * groups whose leader's start time still matches.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { startTimeOf } from "./proc-stat";

/** Stale lines tolerated before a rewrite (and at least this many times the live ones). */
const COMPACT_AFTER = 256;

const ownStartTime = startTimeOf(process.pid);
let fileCounter = 0;

export class GroupRecords {
  private readonly file: string;
  private fd: number | null = null;
  private lines = 0;
  private readonly live = new Map<number, string>();

  constructor(private readonly dir: string) {
    this.file = path.join(dir, `${process.pid}-${ownStartTime ?? "0"}-${++fileCounter}`);
  }

  /** Whether groups can be recorded at all: their start times come from /proc. */
  static get supported(): boolean {
    return ownStartTime !== null;
  }

  add(pgid: number, startTime: string): void {
    this.live.set(pgid, startTime);
    if (this.fd === null) {
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(this.file, "a");
    }
    writeSync(this.fd, `${pgid} ${startTime}\n`);
    this.lines += 1;
  }

  remove(pgid: number): void {
    if (!this.live.delete(pgid) || this.fd === null) return;
    if (this.lines > COMPACT_AFTER && this.lines > 4 * this.live.size) this.rewrite();
  }

  /** Deletes the file: every group has ended (or is the caller's to end). Idempotent. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.lines = 0;
    this.live.clear();
    rmSync(this.file, { force: true });
  }

  private rewrite(): void {
    const text = [...this.live].map(([pgid, start]) => `${pgid} ${start}\n`).join("");
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, this.file);
    closeSync(this.fd!);
    this.fd = openSync(this.file, "a");
    this.lines = this.live.size;
  }
}
