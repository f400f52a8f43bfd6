/** `sluice logs RUN [JOB]`: the stored (masked) logs of a run's steps. */
import { createError } from "../../core/errors";
import type { RegisterCommand } from "./index";

export const registerLogs: RegisterCommand = (program, io, done) => {
  program
    .command("logs")
    .description("Print the stored logs of a run (by number, id or id prefix), optionally of one job")
    .argument("<run>", "run number, id or id prefix")
    .argument("[job]", "job id or name (matrix instances: all of them, or the full name)")
    .option("--json", "print JSON: jobs with steps and their logs")
    .action(async (runRef: string, jobRef: string | undefined, flags: { json?: boolean }) => {
      const { openRepositoryStore } = await import("../repository-store");
      const store = await openRepositoryStore(io);
      try {
        const run = await store.getRun(runRef);
        if (!run) throw createError("SLUICE_E_RUN_NOT_FOUND", `no run "${runRef}" (see \`sluice runs\`)`);
        const jobs = (await store.listJobs(run.id)).filter(
          (j) => !jobRef || j.jobKey === jobRef || j.name === jobRef,
        );
        if (jobRef && jobs.length === 0)
          throw createError("SLUICE_E_RUN_NOT_FOUND", `run #${run.number} has no job "${jobRef}"`);
        const out = [];
        for (const job of jobs) {
          const steps = [];
          for (const step of await store.listSteps(job.id))
            steps.push({ ...step, log: await store.readLog(step.id) });
          out.push({ ...job, steps });
        }
        if (flags.json) {
          io.stdout.write(JSON.stringify({ run, jobs: out }, null, 2) + "\n");
        } else {
          for (const job of out) {
            io.stdout.write(`== ${job.name} (${job.conclusion ?? job.status})\n`);
            for (const step of job.steps) {
              io.stdout.write(
                `-- ${step.name} (${step.conclusion ?? step.status}${step.exitCode !== null ? `, exit ${step.exitCode}` : ""})\n`,
              );
              if (step.log) io.stdout.write(step.log.endsWith("\n") ? step.log : step.log + "\n");
            }
          }
        }
        done(0);
      } finally {
        await store.close();
      }
    });
};
