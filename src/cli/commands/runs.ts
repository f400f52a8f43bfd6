/** `sluice runs`: the run history recorded in the store. */
import { formatDuration, conclusionSymbol } from "../render/format";
import { positiveInt } from "../options";
import type { RegisterCommand } from "./index";

export const registerRuns: RegisterCommand = (program, io, done) => {
  program
    .command("runs")
    .description("List recorded runs, newest first")
    .option("--workflow <path>", "only runs of this workflow file")
    .option("--ref <ref>", "only runs for this full ref (refs/heads/main)")
    .option("--limit <n>", "how many runs", positiveInt, 20)
    .option("--json", "print JSON")
    .action(async (flags: { workflow?: string; ref?: string; limit: number; json?: boolean }) => {
      const [{ isPidAlive }, { openRepositoryStore }] = await Promise.all([
        import("../../store/pid"),
        import("../repository-store"),
      ]);
      const store = await openRepositoryStore(io);
      try {
        await store.recoverOrphans(isPidAlive);
        const runs = await store.listRuns({
          workflowPath: flags.workflow,
          ref: flags.ref,
          limit: flags.limit,
        });
        if (flags.json) {
          io.stdout.write(JSON.stringify(runs, null, 2) + "\n");
        } else if (runs.length === 0) {
          io.stdout.write("no runs recorded yet (try `sluice run`)\n");
        } else {
          for (const r of runs) {
            const took =
              r.startedAt && r.completedAt
                ? formatDuration(Date.parse(r.completedAt) - Date.parse(r.startedAt))
                : r.status;
            io.stdout.write(
              `${conclusionSymbol(r.conclusion, false)} #${String(r.number).padEnd(4)} ${r.id.slice(0, 8)}  ${r.workflowPath}  ${r.event} ${r.ref.replace(/^refs\/heads\//, "")}@${r.sha.slice(0, 7)}  ${r.conclusion ?? r.status}  ${took}  ${r.createdAt}\n`,
            );
          }
        }
        done(0);
      } finally {
        await store.close();
      }
    });
};
