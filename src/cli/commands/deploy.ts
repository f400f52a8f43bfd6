/**
 * Deployment commands: `deploy`, `status`, `promote`, `abort`, `rollback`, `approve`, `history`,
 * `chaos`, `stop`, and `agent` (which the others start when they need one). Definitions only: each action loads its
 * code on first use (src/cli/deploy/), so other commands do not pay for it at startup.
 */
import { InvalidArgumentError } from "commander";
import { parseDuration } from "../../core/duration";
import { collectPairs, positiveInt } from "../options";
import type { RegisterCommand } from "./index";

export const registerDeploy: RegisterCommand = (program, io, done) => {
  program
    .command("deploy")
    .description("Roll a version out to an environment (blue-green, canary or rolling, from sluice.yml)")
    .argument("<environment>", "environment name from sluice.yml")
    .option("--version <version>", "the version to deploy")
    .option(
      "--artifact <digest>",
      "deploy an artifact by digest (names the version when --version is absent)",
    )
    .option(
      "--env <KEY=VALUE>",
      "extra environment for the new version's instances (repeatable)",
      collectPairs,
    )
    .option("--ref <branch>", "the branch deploying (default: the current one), checked against `branches`")
    .option("--force", "deploy even from a branch the environment does not accept (audited)")
    .option("--detach", "return once the rollout has started instead of following it")
    .option("--json", "print the final deployment record as JSON")
    .action(async (environment: string, flags) => {
      const { deployAction } = await import("../deploy/deploy-action");
      done(await deployAction(io, environment, flags));
    });

  program
    .command("status")
    .description("Show an environment: versions, weights, traffic, analyses, approvals, timeline")
    .argument("<environment>")
    .option("--watch", "keep refreshing")
    .option("--json", "print JSON")
    .action(async (environment: string, flags) => {
      const { statusAction } = await import("../deploy/status-action");
      done(await statusAction(io, environment, flags));
    });

  program
    .command("promote")
    .description("Move a rollout past its current pause, analysis or approval (--full: to the end)")
    .argument("<environment>")
    .option("--full", "skip every remaining step")
    .action(async (environment: string, flags: { full?: boolean }) => {
      const { rolloutCommandAction } = await import("../deploy/control-action");
      done(
        await rolloutCommandAction(io, environment, {
          type: "promote",
          ...(flags.full ? { full: true } : {}),
        }),
      );
    });

  program
    .command("abort")
    .description("Stop a rollout and return all traffic to the stable version")
    .argument("<environment>")
    .option("--reason <text>", "why, for the audit trail")
    .action(async (environment: string, flags: { reason?: string }) => {
      const { rolloutCommandAction } = await import("../deploy/control-action");
      done(
        await rolloutCommandAction(io, environment, {
          type: "abort",
          ...(flags.reason ? { reason: flags.reason } : {}),
        }),
      );
    });

  program
    .command("rollback")
    .description("Roll back: the rollout in progress, or the stable version to an earlier one")
    .argument("<environment>")
    .option("--to <version>", "the earlier version (default: the one before the stable)")
    .option("--detach", "do not follow")
    .option("--json", "print the final deployment record as JSON")
    .action(async (environment: string, flags) => {
      const { rollbackAction } = await import("../deploy/deploy-action");
      done(await rollbackAction(io, environment, flags));
    });

  program
    .command("approve")
    .description("Answer the approval a rollout waits for (recorded with your identity)")
    .argument("<environment>")
    .option("--name <approval>", "which approval, when several are open")
    .option("--reject", "reject instead (the rollout is aborted)")
    .option("--comment <text>", "a note for the audit trail")
    .action(async (environment: string, flags) => {
      const { approveAction } = await import("../deploy/control-action");
      done(await approveAction(io, environment, flags));
    });

  program
    .command("history")
    .description("List an environment's deployments, newest first")
    .argument("<environment>")
    .option("--limit <n>", "how many", positiveInt, 20)
    .option("--json", "print JSON")
    .action(async (environment: string, flags) => {
      const { historyAction } = await import("../deploy/status-action");
      done(await historyAction(io, environment, flags));
    });

  program
    .command("chaos")
    .description("Inject faults in the environment's router to rehearse an automatic rollback")
    .argument("<environment>")
    .option("--error-rate <share>", "share of requests answered with an error, 0–1", rate, 0)
    .option("--latency <duration>", "delay added to each request (300ms, 1s)", duration, 0)
    .option("--for <duration>", "how long (default 60s)", duration, 60_000)
    .option("--version <version>", "only this version (default: every version)")
    .option("--status <code>", "status of injected errors (default 503)", positiveInt)
    .action(async (environment: string, flags) => {
      const { chaosAction } = await import("../deploy/control-action");
      done(
        await chaosAction(io, environment, {
          errorRate: flags.errorRate,
          latencyMs: flags.latency,
          forMs: flags.for,
          ...(flags.version ? { version: flags.version } : {}),
          ...(flags.status ? { status: flags.status } : {}),
        }),
      );
    });

  program
    .command("stop")
    .description("Stop an environment's agent, router and instances")
    .argument("<environment>")
    .action(async (environment: string) => {
      const { stopAction } = await import("../deploy/control-action");
      done(await stopAction(io, environment));
    });

  program
    .command("agent")
    .description(
      "Run an environment's agent: router, instances and rollouts (sluice deploy starts one; this resumes after a crash or reboot)",
    )
    .argument("<environment>")
    .option("--detach", "start it in the background (log in .sluice/deploy/<environment>/agent.log)")
    .action(async (environment: string, flags: { detach?: boolean }) => {
      if (flags.detach) {
        const { agentAction } = await import("../deploy/control-action");
        done(await agentAction(io, environment));
        return;
      }
      const [{ runAgent }, { readGitInfo }] = await Promise.all([
        import("../../deploy/client/run-agent"),
        import("../../engine/git-info"),
      ]);
      await runAgent({
        repoRoot: readGitInfo(io.cwd, io.env).root,
        environment,
        signal: io.signal,
        write: (line) => io.stdout.write(line),
      });
      done(0);
    });
};

function rate(value: string): number {
  const n = Number(value.endsWith("%") ? Number(value.slice(0, -1)) / 100 : value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a share 0–1 or a percentage, got "${value}"`);
  return n;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === null)
    throw new InvalidArgumentError(`expected a duration such as 300ms, 30s or 2m, got "${value}"`);
  return ms;
}
