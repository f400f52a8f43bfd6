/**
 * The demo's third act: the example service goes to staging blue-green and to production, then two
 * releases go to production by canary under synthetic load: a healthy one that is promoted step by
 * step, and one that answers 20 % of requests with errors, which the analysis rolls back by itself.
 * Every step is the real `sluice deploy`, run through the injected CLI.
 */
import { Writable } from "node:stream";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CliIO, ExitCode } from "../cli/io";
import { startLoad, type LoadStats } from "./load";

/** Runs `sluice <argv>` with the given IO and resolves to its exit code. */
export type RunSluice = (io: CliIO, argv: string[]) => Promise<ExitCode>;

export interface DeliveryResult {
  /** The story went as intended: deployments completed, the healthy canary promoted, the bad one rolled back. */
  ok: boolean;
  steps: { command: string; exitCode: number; expected: number }[];
  load: LoadStats | null;
}

/** Load on production while canaries run: enough that a 10 % canary gets a few requests a second. */
const REQUESTS_PER_SECOND = 60;

/** The example's routers listen on fixed ports for people; the demo takes free ones so it never collides. */
export async function useFreePorts(repo: string): Promise<void> {
  const file = join(repo, "sluice.yml");
  const text = await readFile(file, "utf8");
  await writeFile(file, text.replace(/router: \{ port: \d+ \}/g, "router: { port: 0 }"));
}

export async function runDelivery(
  io: CliIO,
  say: (text: string) => void,
  runSluice: RunSluice,
): Promise<DeliveryResult> {
  const steps: DeliveryResult["steps"] = [];
  const sluice = async (argv: string[], expected: number, title: string): Promise<number> => {
    say(`── ${title}\n   $ sluice ${argv.join(" ")}\n`);
    const code = await runSluice(io, argv);
    steps.push({ command: `sluice ${argv.join(" ")}`, exitCode: code, expected });
    say(code === expected ? "" : `(exit code ${code}; the demo expected ${expected})\n`);
    return code;
  };
  let load: ReturnType<typeof startLoad> | null = null;
  try {
    await sluice(
      ["deploy", "staging", "--version", "1.0.0"],
      0,
      "Staging: the first release, blue-green with a smoke test.",
    );
    await sluice(["deploy", "production", "--version", "1.0.0"], 0, "Production: the first release.");
    const url = await routerUrl(io, runSluice, "production");
    if (url === null) {
      say("The production router's address was not found; skipping the canaries.");
      return { ok: false, steps, load: null };
    }
    load = startLoad(`${url}/api/items`, REQUESTS_PER_SECOND);
    say(`Synthetic load: ${REQUESTS_PER_SECOND} requests/s to ${url}/api/items from now on.\n`);
    await sluice(
      ["deploy", "production", "--version", "1.1.0"],
      0,
      "Production: release 1.1.0 by canary (10 % → 50 % → 100 %) while the analysis watches errors and latency.",
    );
    await sluice(
      ["deploy", "production", "--version", "1.2.0", "--env", "ERROR_RATE=0.2"],
      1,
      "Production: release 1.2.0, which fails 20 % of requests. Expected: rolled back by the analysis.",
    );
    const stats = await load.stop();
    load = null;
    say(loadText(stats));
    await sluice(["history", "production"], 0, "What production went through:");
    return { ok: steps.every((s) => s.exitCode === s.expected), steps, load: stats };
  } finally {
    await load?.stop();
    for (const env of ["production", "staging"]) await runSluice(quiet(io), ["stop", env]);
  }
}

async function routerUrl(io: CliIO, runSluice: RunSluice, environment: string): Promise<string | null> {
  let text = "";
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  await runSluice({ ...io, stdout }, ["status", environment, "--json"]);
  try {
    return (JSON.parse(text) as { agent: { routerUrl: string | null } }).agent.routerUrl;
  } catch {
    return null;
  }
}

function quiet(io: CliIO): CliIO {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  return { ...io, stdout: sink, stderr: sink };
}

function loadText(s: LoadStats): string {
  return [
    `Synthetic load: ${s.sent} requests, ${s.ok} answered, ${s.serverErrors} server errors (all from 1.2.0's`,
    `canary share before the rollback), ${s.failed} without an answer.`,
    "",
  ].join("\n");
}
