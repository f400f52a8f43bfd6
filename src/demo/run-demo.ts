/**
 * `sluice demo`: copy the example service into a temporary git repository, run its CI workflow with the
 * real `sluice run`, explain what happened, and clean up. The pipeline runner is injected so this module
 * does not depend on the CLI layer and its tests can stand in for the run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO, ExitCode } from "../cli/io";
import { findSharedDependencies, locateExample, type SharedDependencies } from "./locate";
import { copyExample, initRepo, linkDependencies } from "./prepare-repo";

/** What the user asked for on the command line. */
export interface DemoOptions {
  /** Keep the temporary repository instead of deleting it, and print its path. */
  keep: boolean;
  /** Leave stdout to the run's JSON report; the demo's own text goes to stderr. */
  json: boolean;
}

/** What the demo needs from outside; only runPipeline is required. */
export interface DemoDeps {
  /** Runs the pipeline like `sluice run [args]` in `io.cwd` and resolves to its exit code. */
  runPipeline: (io: CliIO, args: string[]) => Promise<ExitCode>;
  /** The example to copy; found next to the sluice package when omitted. */
  exampleDir?: string;
  /** Where the temporary directory is created; the OS temp directory when omitted. */
  tmpRoot?: string;
}

/** Name of the repository directory inside the temp dir; runs and logs show it, so it should say what it is. */
const REPO_NAME = "example-service";

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
 * Runs the demo and resolves to the exit code of the pipeline (0 when it passed, 1 when it failed or the
 * demo was cancelled). Setup failures (no git, a broken package) are thrown as SluiceErrors. The temporary
 * directory is removed on every path unless `options.keep` is set.
 */
export async function runDemo(io: CliIO, options: DemoOptions, deps: DemoDeps): Promise<ExitCode> {
  // With --json, stdout carries only the run's report so it can be piped into other tools.
  const out = options.json ? io.stderr : io.stdout;
  const say = (text: string): void => {
    out.write(`${text}\n`);
  };
  const exampleDir = deps.exampleDir ?? locateExample();
  const env = { ...io.env };
  for (const name of GIT_LOCATION_VARS) delete env[name];

  const root = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), "sluice-demo-"));
  const repo = join(root, REPO_NAME);
  let code: ExitCode = 1;
  try {
    const shared = findSharedDependencies(exampleDir);
    say(introText(repo, shared));
    await copyExample(exampleDir, repo);
    const sha = await initRepo(repo, env, io.signal);
    if (shared.usable) await linkDependencies(repo, shared.nodeModules);
    say(`Committed the example as ${sha.slice(0, 7)} on main. Running \`sluice run\`…\n`);

    code = await deps.runPipeline({ ...io, cwd: repo, env }, options.json ? ["--json"] : []);
    say(io.signal.aborted ? "\nThe demo was cancelled." : summaryText(code, repo, options.keep));
    return io.signal.aborted && code === 0 ? 1 : code;
  } catch (err) {
    if (io.signal.aborted) {
      say("\nThe demo was cancelled.");
      return 1;
    }
    throw err;
  } finally {
    if (options.keep) say(`Kept the demo repository at ${repo}`);
    // rm does not follow the node_modules symlink, so Sluice's own dependencies are never touched.
    else await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

function introText(repo: string, shared: SharedDependencies): string {
  const deps = shared.usable
    ? `The example's dependencies come from Sluice's own node_modules (${shared.nodeModules}), linked in,\n` +
      "so the workflow's install step skips `npm ci` and nothing is downloaded."
    : `The workflow's install step runs \`npm ci\`, which needs the npm registry (Sluice's own node_modules\n` +
      `cannot stand in: ${shared.reason}).`;
  return [
    "Sluice demo: a real CI pipeline on a small TypeScript HTTP service, run on this machine.",
    "",
    `1. Copy the example service to ${repo}`,
    "   and commit it to a new git repository (branch main).",
    "2. Run its GitHub Actions workflow, .github/workflows/ci.yml, with `sluice run`:",
    "   lint and test (with coverage) in parallel, then build; coverage and dist/ are uploaded as artifacts.",
    "",
    deps,
    "",
  ].join("\n");
}

function summaryText(code: ExitCode, repo: string, keep: boolean): string {
  const outcome =
    code === 0
      ? "The pipeline passed: the same workflow would run unchanged on GitHub Actions."
      : `The pipeline did not pass (exit code ${code}); the log above shows which step failed.`;
  const next = keep
    ? [
        `  cd ${repo}`,
        "  sluice run                    # run the workflow again (run state lives in .sluice/)",
        "  PORT=8080 npm start           # start the service it built (try ERROR_RATE=0.2 or LATENCY_MS=300)",
      ]
    : [
        "  sluice demo --keep            # keep the repository to look around and run it again",
        "  sluice init && sluice run     # run your own project's workflow the same way",
      ];
  return ["", outcome, "", "Next:", ...next].join("\n");
}
