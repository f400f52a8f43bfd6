/**
 * Approvals an environment requires before a rollout moves any traffic (`approvals:` in sluice.yml).
 * Each is an approval request `environment:<name>` of the deployment; `sluice approve` answers one,
 * `sluice promote` answers every open one as its user, and a rejection or an abort ends the rollout.
 */
import type { DeployCommandRecord, DeploymentRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";

export const environmentApprovalId = (name: string): string => `environment:${name}`;

export type ApprovalGate =
  | { outcome: "approved"; consumed: number[] }
  | { outcome: "waiting"; consumed: number[]; missing: string[] }
  | { outcome: "refused"; reason: string };

export async function checkEnvironmentApprovals(
  store: Store,
  deployment: DeploymentRecord,
  required: string[],
  commands: DeployCommandRecord[],
  now: number,
): Promise<ApprovalGate> {
  for (const c of commands) {
    const command = c.command as { type: string; reason?: string };
    if (command.type === "abort" || command.type === "rollback") {
      return {
        outcome: "refused",
        reason: `aborted by ${c.actor} before approval${command.reason ? `: ${command.reason}` : ""}`,
      };
    }
    if (command.type === "promote") {
      for (const name of required) {
        await store.recordApproval({
          deploymentId: deployment.id,
          requestId: environmentApprovalId(name),
          name,
          approved: true,
          by: c.actor,
          comment: `approved with promote at ${new Date(now).toISOString()}`,
        });
      }
    }
  }
  const answers = await store.listApprovals(deployment.id);
  const byId = new Map(answers.map((a) => [a.requestId, a]));
  for (const name of required) {
    const answer = byId.get(environmentApprovalId(name));
    if (answer && !answer.approved)
      return { outcome: "refused", reason: `approval "${name}" rejected by ${answer.by}` };
  }
  const missing = required.filter((name) => !byId.get(environmentApprovalId(name))?.approved);
  // Promote commands were turned into approvals; they must not also promote the fresh rollout.
  const consumed = commands
    .filter((c) => (c.command as { type: string }).type === "promote")
    .map((c) => c.id);
  return missing.length === 0 ? { outcome: "approved", consumed } : { outcome: "waiting", consumed, missing };
}
