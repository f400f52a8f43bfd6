/**
 * `sluice demo`: copy the example service into a temporary git repository and tell the story of a quality
 * gate with the real `sluice run`. Run 1 passes, and the gate records its result as the baseline; then the
 * demo commits a feature without tests and runs the pipeline again, and the gate stops it because line
 * coverage dropped. The pipeline runner and the store reader are injected so this module does not depend on
 * the CLI layer and its tests can stand in for the runs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { CliIO, ExitCode } from "../cli/io";
import { inspectLatestRun, type RecordedGate, type RunRecordSummary } from "./inspect";
import { findSharedDependencies, locateExample, type SharedDependencies } from "./locate";
import { commitAll, copyExample, initRepo, linkDependencies } from "./prepare-repo";
import { applyRegression, REGRESSION_COMMIT_MESSAGE } from "./regression";
import { runDelivery, useFreePorts, type DeliveryResult, type RunSluice } from "./delivery";

/** What the user asked for on the command line. */
export interface DemoOptions {
  /** Keep the temporary repository instead of deleting it, and print its path. */
  keep: boolean;
  /** Print one JSON object with both runs' reports on stdout; the demo's own text goes to stderr. */
  json: boolean;
}

/** What the demo needs from outside; only runPipeline is required. */
export interface DemoDeps {
  /** Runs the pipeline like `sluice run [args]` in `io.cwd` and resolves to its exit code. */
  runPipeline: (io: CliIO, args: string[]) => Promise<ExitCode>;
  /** Reads the newest run recorded in the repository; the repository's store when omitted. */
  inspectRun?: (repo: string) => Promise<RunRecordSummary | null>;
  /** The example to copy; found next to the sluice package when omitted. */
  exampleDir?: string;
  /** Where the temporary directory is created; the OS temp directory when omitted. */
  tmpRoot?: string;
  /** Runs any `sluice` command; when given, the demo goes on to deliver the service (staging, canaries). */
  runSluice?: RunSluice;
}

/** The `--json` output: each run's `sluice run --json` report, and whether the story ended as intended. */
export interface DemoJson {
  runs: unknown[];
  gateStoppedRegression: boolean;
  /** The delivery act, when it ran. */
  delivery?: DeliveryResult;
}

/** Name of the repository directory inside the temp dir; runs and logs show it, so it should say what it is. */
const REPO_NAME = "example-service";

/** The gate the example's workflow evaluates (`quality` in examples/service/sluice.yml) and the job running it. */
const GATE = "quality";

/** Run 2 runs only the gate's job and the jobs it needs: build is not part of the story. */
const RUN2_ARGS = ["--job", GATE];

/**
 * Variables that point git at another repository. If the demo is started from inside a git hook or a
 * worktree script they would make its git commands, and the run's, act on the user's repository.
 */
const GIT_LOCATION_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_PREFIX",
];

/**
 * Runs the demo and resolves to its exit code: 0 when the story went as intended (run 1 passed, and the
 * quality gate failed run 2), 1 otherwise or when the demo was cancelled. Setup failures (no git, a broken
 * package) are thrown as SluiceErrors. The temporary directory is removed on every path unless
 * `options.keep` is set.
 */
export async function runDemo(io: CliIO, options: DemoOptions, deps: DemoDeps): Promise<ExitCode> {
  // With --json, stdout carries only the JSON report so it can be piped into other tools.
  const out = options.json ? io.stderr : io.stdout;
  const say = (text: string): void => {
    out.write(`${text}\n`);
  };
  const inspect = deps.inspectRun ?? inspectLatestRun;
  const exampleDir = deps.exampleDir ?? locateExample();
  const env = { ...io.env };
  for (const name of GIT_LOCATION_VARS) delete env[name];

  const root = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), "sluice-demo-"));
  const repo = join(root, REPO_NAME);
  const reports: unknown[] = [];
  let delivery: DeliveryResult | undefined;
  const finish = (code: ExitCode, gateStoppedRegression = false): ExitCode => {
    if (options.json) {
      const result: DemoJson = { runs: reports, gateStoppedRegression, ...(delivery ? { delivery } : {}) };
      io.stdout.write(JSON.stringify(result, null, 2) + "\n");
    }
    return code;
  };
  const runPipeline = async (args: string[]): Promise<ExitCode> => {
    const runIO: CliIO = { ...io, cwd: repo, env };
    if (!options.json) return deps.runPipeline(runIO, args);
    const captured = captureStream();
    const code = await deps.runPipeline({ ...runIO, stdout: captured.stream }, [...args, "--json"]);
    reports.push(parseReport(captured.text(), out));
    return code;
  };
  const cancelled = (): ExitCode => {
    say("\nThe demo was cancelled.");
    return finish(1);
  };

  try {
    const shared = findSharedDependencies(exampleDir);
    say(introText(repo, shared, deps.runSluice !== undefined));
    await copyExample(exampleDir, repo);
    if (deps.runSluice) await useFreePorts(repo);
    const sha = await initRepo(repo, env, io.signal);
    if (shared.usable) await linkDependencies(repo, shared.nodeModules);
    say(`Committed the example as ${sha.slice(0, 7)} on main.\n`);

    say(heading("Run 1 of 2: the example as shipped. Expected to pass.", "sluice run"));
    const first = await runPipeline([]);
    if (io.signal.aborted) return cancelled();
    const run1 = await inspect(repo);
    if (first !== 0) {
      say(
        `\nRun 1 did not pass (exit code ${first}), which the demo did not expect: ` +
          "the log above shows which step failed.",
      );
      say(nextText(repo, options.keep));
      return finish(first);
    }
    const baseline = gateOf(run1);
    say(`\n${run1Text(baseline)}\n`);

    const files = await applyRegression(repo);
    const sha2 = await commitAll(repo, REGRESSION_COMMIT_MESSAGE, env, io.signal);
    say(changeText(sha2, files));
    say(
      heading(
        "Run 2 of 2: the change. Expected to FAIL at the quality gate.",
        `sluice run ${RUN2_ARGS.join(" ")}`,
      ),
    );
    const second = await runPipeline(RUN2_ARGS);
    if (io.signal.aborted) return cancelled();
    const verdict = judgeRun2(second, await inspect(repo));
    say(`\n${verdict.stopped ? stoppedText(baseline, verdict.gate) : notStoppedText(verdict.reason)}`);
    if (verdict.stopped && deps.runSluice) {
      say("");
      // With --json the commands' own output joins the narration on stderr: stdout is the report's.
      const deliveryIO = { ...io, cwd: repo, env, ...(options.json ? { stdout: io.stderr } : {}) };
      delivery = await runDelivery(deliveryIO, say, deps.runSluice);
      if (io.signal.aborted) return cancelled();
      say(
        delivery.ok
          ? DELIVERED_TEXT
          : "The delivery did not go as the demo expected: the output above shows where.",
      );
    }
    say(nextText(repo, options.keep));
    const ok = verdict.stopped && (delivery === undefined || delivery.ok);
    return finish(ok ? 0 : 1, verdict.stopped);
  } catch (err) {
    if (io.signal.aborted) return cancelled();
    throw err;
  } finally {
    if (options.keep) say(`Kept the demo repository at ${repo}`);
    // rm does not follow the node_modules symlink, so Sluice's own dependencies are never touched.
    else await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A stdout stand-in that keeps what a run writes (its `--json` report). */
function captureStream(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

/** A run's `--json` report; anything else (a usage error) is passed on to the user and kept as text. */
function parseReport(text: string, out: NodeJS.WritableStream): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    out.write(text);
    return { error: text.trim() };
  }
}

function gateOf(run: RunRecordSummary | null): RecordedGate | undefined {
  return run?.gates.find((g) => g.gate === GATE);
}

/** Whether the quality gate, and only the gate, stopped run 2. */
type Verdict = { stopped: true; gate: RecordedGate } | { stopped: false; reason: string };

export function judgeRun2(code: ExitCode, run: RunRecordSummary | null): Verdict {
  if (code === 0) return { stopped: false, reason: "run 2 passed: the gate let the coverage drop through" };
  const gate = gateOf(run);
  if (!run || !gate) {
    const failed = Object.entries(run?.jobs ?? {})
      .filter(([, conclusion]) => conclusion === "failure")
      .map(([job]) => job);
    return {
      stopped: false,
      reason:
        `the ${GATE} gate never ran` +
        (failed.length > 0 ? ` because ${failed.join(" and ")} failed` : "") +
        ": the log above shows why",
    };
  }
  if (gate.passed) {
    return { stopped: false, reason: `the ${GATE} gate passed and something else failed the run` };
  }
  const upstream = ["lint", "test"].filter((job) => run.jobs[job] !== "success");
  if (upstream.length > 0) {
    return {
      stopped: false,
      reason: `${upstream.join(" and ")} did not succeed, so more than the gate failed`,
    };
  }
  return { stopped: true, gate };
}

const DELIVERED_TEXT = [
  "Delivered: staging took 1.0.0 blue-green after its smoke test; production took 1.1.0 through a canary",
  "under load, and rolled 1.2.0 back by itself when its error rate rose above stable's.",
].join("\n");

function heading(title: string, command: string): string {
  return `── ${title}\n   $ ${command}\n`;
}

function introText(repo: string, shared: SharedDependencies, deliver: boolean): string {
  const deps = shared.usable
    ? `The example's dependencies come from Sluice's own node_modules (${shared.nodeModules}), linked in,\n` +
      "so the workflow's install step skips `npm ci` and nothing is downloaded."
    : `The workflow's install step runs \`npm ci\`, which needs the npm registry (Sluice's own node_modules\n` +
      `cannot stand in: ${shared.reason}).`;
  return [
    "Sluice demo: a real CI pipeline with a quality gate, on a small TypeScript HTTP service, run on this machine.",
    "",
    `1. Copy the example service to ${repo}`,
    "   and commit it to a new git repository (branch main).",
    "2. Run 1: its GitHub Actions workflow, .github/workflows/ci.yml, with `sluice run`: lint and test (with",
    "   coverage) in parallel, then the quality gate of sluice.yml on their reports, then build. It should pass,",
    "   and the gate records its result as the baseline for main.",
    "3. Commit a new feature that has no tests, and run the pipeline again up to the gate.",
    "   Run 2 is expected to FAIL: line coverage drops, and the gate stops the change before it is built.",
    ...(deliver
      ? [
          "4. Deliver the built service with `sluice deploy`: to staging blue-green, to production, then two",
          "   releases to production by canary under synthetic load. The second fails 20 % of its requests and",
          "   is expected to be ROLLED BACK by the canary analysis, by itself.",
        ]
      : []),
    "",
    deps,
    "",
  ].join("\n");
}

function percent(n: number | null | undefined): string {
  return typeof n === "number" ? `${n}%` : "an unknown share";
}

function run1Text(gate: RecordedGate | undefined): string {
  return [
    "Run 1 passed, as expected.",
    gate
      ? `The ${GATE} gate measured ${percent(gate.coverageLines)} line coverage and recorded its result: the baseline for main.`
      : `(The ${GATE} gate's result was not found in the store; run 2 will have no baseline to compare with.)`,
  ].join("\n");
}

function changeText(sha: string, files: string[]): string {
  return [
    `Committed ${sha.slice(0, 7)} "${REGRESSION_COMMIT_MESSAGE}" (${files.join(", ")}):`,
    "a discount helper for price quotes, served as POST /api/quotes, that no test exercises.",
    "",
  ].join("\n");
}

function stoppedText(baseline: RecordedGate | undefined, gate: RecordedGate): string {
  const failed = gate.rules.filter(
    (r) => r.severity === "fail" && (r.status === "failed" || r.status === "error"),
  );
  const from = baseline ? ` from ${percent(baseline.coverageLines)}` : "";
  return [
    `Run 2 failed, as expected: the ${GATE} gate stopped it before build.`,
    ...failed.map((r) => `  ✗ ${r.name}: ${r.message}`),
    `Lint and every test passed, but the new code runs under no test, so line coverage fell${from} to`,
    `${percent(gate.coverageLines)}. That is the gate doing its job: the demo succeeded (exit code 0).`,
  ].join("\n");
}

function notStoppedText(reason: string): string {
  return `The demo expected the ${GATE} gate to stop run 2, but ${reason}.`;
}

function nextText(repo: string, keep: boolean): string {
  const line = (command: string, comment: string): string => `  ${command.padEnd(30)}# ${comment}`;
  const next = keep
    ? [
        `  cd ${repo}`,
        line("sluice runs", "both runs, as recorded in .sluice/"),
        line(`sluice gate ${GATE}`, "evaluate the gate again on the reports in the working tree"),
        line("PORT=8080 npm start", "start the service (try ERROR_RATE=0.2 or LATENCY_MS=300)"),
      ]
    : [
        line("sluice demo --keep", "keep the repository to look around and run it again"),
        line("sluice init && sluice run", "run your own project's workflow the same way"),
      ];
  return ["", "Next:", ...next].join("\n");
}
