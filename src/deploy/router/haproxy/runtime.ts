/**
 * HAProxy's runtime API over its unix sockets: the admin socket of the current worker (`set server`,
 * `commit map`, `show stat`) and the master CLI (`reload`, `show proc`). One command per connection,
 * the non-interactive mode: HAProxy answers and closes.
 */
import net from "node:net";
import { createError } from "../../../core/errors";

/**
 * Sends `command` (several may be joined with `;`) and resolves with the answer. Retries a refused
 * connection until `timeoutMs`: the master's socket is briefly gone while it re-executes on reload.
 */
export async function runtimeCommand(socket: string, command: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await once(socket, command, Math.max(100, deadline - Date.now()));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== "ECONNREFUSED" && code !== "ENOENT") || Date.now() > deadline) {
        throw createError(
          "SLUICE_E_INTERNAL",
          `HAProxy runtime API (${command}): ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function once(socket: string, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    let out = "";
    conn.setEncoding("utf8");
    conn.setTimeout(timeoutMs, () => conn.destroy(new Error("timed out")));
    conn.on("data", (s: string) => (out += s));
    conn.on("end", () => resolve(out));
    conn.on("error", reject);
    conn.end(`${command}\n`);
  });
}

/**
 * Runs commands that must all succeed (`set server`, `add map`). HAProxy reports a failed one in
 * its answer, not with a status, so any answer beyond the usual acknowledgements is an error.
 */
export async function runtimeApply(socket: string, commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  const answer = await runtimeCommand(socket, commands.join("; "));
  const unexpected = answer
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^(New version created: \d+|Done\.?)$/.test(l));
  if (unexpected.length > 0) {
    throw createError(
      "SLUICE_E_INTERNAL",
      `HAProxy refused a runtime change (${commands.join("; ")}): ${unexpected.join(" ")}`,
    );
  }
}

export type StatRow = Record<string, string>;

/** Parses `show stat` CSV (a `# pxname,svname,…` header, then one row per proxy/server). */
export function parseStatCsv(text: string): StatRow[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.find((l) => l.startsWith("# "));
  if (header === undefined) return [];
  const names = header.slice(2).split(",");
  return lines
    .filter((l) => !l.startsWith("#"))
    .map((l) => {
      const cells = l.split(",");
      const row: StatRow = {};
      names.forEach((n, i) => (row[n] = cells[i] ?? ""));
      return row;
    });
}

/** The worker pid and frontend request total of the worker answering on the admin socket. */
export async function workerStatus(
  socket: string,
): Promise<{ pid: number; requests: number; rows: StatRow[] }> {
  const answer = await runtimeCommand(socket, "show info; show stat");
  const pid = Number(/^Pid: (\d+)$/m.exec(answer)?.[1] ?? NaN);
  const rows = parseStatCsv(answer.slice(answer.indexOf("# pxname")));
  const fe = rows.find((r) => r.pxname === "fe" && r.svname === "FRONTEND");
  return { pid, requests: Number(fe?.req_tot ?? 0), rows };
}

/**
 * Replaces a map's entries atomically: `prepare map` opens a new version, `add map @ver` fills it
 * while requests still read the old one, `commit map` switches in one step.
 */
export async function replaceMap(socket: string, map: string, entries: [string, string][]): Promise<void> {
  const answer = await runtimeCommand(socket, `prepare map ${map}`);
  const ver = /New version created: (\d+)/.exec(answer)?.[1];
  if (ver === undefined) throw createError("SLUICE_E_INTERNAL", `HAProxy prepare map: ${answer.trim()}`);
  await runtimeApply(socket, [
    ...entries.map(([k, v]) => `add map @${ver} ${map} ${k} ${v}`),
    `commit map @${ver} ${map}`,
  ]);
}
