/**
 * The program the spawn helper runs (`node -e`): it starts the processes it is asked to start and
 * relays their output and exit over its stdout.
 *
 * Why a helper at all: Linux fork() costs more as the forking process's memory grows, and Node forks
 * on the calling thread. A helper of a few MB spawns in about half the time Sluice's own process takes
 * once it holds a run's state, and it does so on another core, off Sluice's event loop
 * (bench/engine measured spawn() as the largest cost of a run before the helper).
 *
 * It is plain JavaScript in a string, not a module of its own, so that the same text runs from the
 * bundle (dist/) and from sources under test, with nothing to locate on disk.
 *
 * Protocol. Requests (our stdin): one JSON object per line,
 *   {"id": n, "command": …, "args": […], "cwd": …, "env": {…}}.
 * Replies (our stdout): frames of [u32le length of the rest][u8 kind][u32le id][payload], where kind
 * is one of FRAME below. Per id: STARTED (`<pid> <start time>`, decimal; the start time from
 * /proc/<pid>/stat, read before the helper can reap the child, empty without /proc) if the process
 * started, then its STDOUT and STDERR chunks in the order they arrived, then EXIT ([exitCode, signal] as JSON) once it exited and
 * both streams ended — or ERROR ({code, message, …} as JSON) instead of EXIT when it could not start.
 * READY (id 0, no payload) comes first, once the helper reads requests.
 *
 * Tracing (bench/engine/critical-path.mjs): started with the arguments `trace <file>`, the helper
 * records when it read each request, spawned its process, saw it exit and saw its streams close
 * (ms on the shared clock, performance.timeOrigin + now()), and writes them to <file> as it exits.
 *
 * The helper lives in its own process group (a terminal's Ctrl-C is for Sluice to handle) and leaves
 * when its stdin ends, i.e. when Sluice closes it or exits. Writes to a pipe on stdout are synchronous
 * in Node on Linux: when Sluice reads slowly, the helper waits, and so do the steps that print.
 */

export const FRAME = { STARTED: 1, STDOUT: 2, STDERR: 3, EXIT: 4, ERROR: 5, READY: 6 } as const;

/** Bytes before each frame's payload: length (4), kind (1), id (4). */
export const FRAME_HEADER = 9;

export const HELPER_PROGRAM = `"use strict";
const { spawn } = require("node:child_process");
const out = process.stdout;
process.on("SIGINT", () => {});
out.on("error", () => process.exit(0));
function send(kind, id, payload) {
  const size = payload === undefined ? 0 : payload.length;
  const frame = Buffer.allocUnsafe(${FRAME_HEADER} + size);
  frame.writeUInt32LE(5 + size, 0);
  frame[4] = kind;
  frame.writeUInt32LE(id, 5);
  if (size > 0) payload.copy(frame, ${FRAME_HEADER});
  out.write(frame);
}
function startTime(pid) {
  try {
    const stat = require("node:fs").readFileSync("/proc/" + pid + "/stat", "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] || "";
  } catch {
    return "";
  }
}
function describe(err) {
  const e = err || {};
  return Buffer.from(JSON.stringify({
    code: e.code, errno: e.errno, syscall: e.syscall, path: e.path,
    message: e.message === undefined ? String(err) : e.message,
  }));
}
const traceFile = process.argv[1] === "trace" ? process.argv[2] : undefined;
const traced = [];
const mark = traceFile === undefined
  ? () => {}
  : (event, id) => traced.push(event + " " + id + " " + (performance.timeOrigin + performance.now()));
if (traceFile !== undefined) {
  process.on("exit", () => require("node:fs").writeFileSync(traceFile, traced.join("\\n") + "\\n"));
}
function start(req) {
  mark("r", req.id);
  let child;
  try {
    child = spawn(req.command, req.args, {
      cwd: req.cwd, env: req.env, detached: true, stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    send(${FRAME.ERROR}, req.id, describe(err));
    return;
  }
  let failed = false;
  child.once("error", (err) => {
    failed = true;
    send(${FRAME.ERROR}, req.id, describe(err));
  });
  mark("p", req.id);
  if (traceFile !== undefined) child.once("exit", () => mark("e", req.id));
  if (child.pid !== undefined) {
    send(${FRAME.STARTED}, req.id, Buffer.from(child.pid + " " + startTime(child.pid)));
  }
  if (child.stdout) child.stdout.on("data", (c) => send(${FRAME.STDOUT}, req.id, c));
  if (child.stderr) child.stderr.on("data", (c) => send(${FRAME.STDERR}, req.id, c));
  child.once("close", (code, signal) => {
    mark("c", req.id);
    if (!failed) send(${FRAME.EXIT}, req.id, Buffer.from(JSON.stringify([code, signal])));
  });
}
let buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  buffered += text;
  const lines = buffered.split("\\n");
  buffered = lines.pop();
  for (const line of lines) if (line !== "") start(JSON.parse(line));
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
send(${FRAME.READY}, 0);
`;
