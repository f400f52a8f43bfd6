/**
 * Hands a recorded deployment to its environment's agent, starting the agent when none runs. When no
 * agent can start, the deployment — which nothing has acted on yet — is ended as failed, so the
 * environment is not left busy with a rollout nobody drives.
 */
import type { DeploymentRecord, EnvironmentRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import { ensureAgent } from "./agent-process";

export async function launchDeployment(options: {
  store: Store;
  repoRoot: string;
  record: DeploymentRecord;
  env: NodeJS.ProcessEnv;
}): Promise<EnvironmentRecord> {
  const { store, record } = options;
  try {
    return await ensureAgent({
      store,
      repoRoot: options.repoRoot,
      environment: record.environment,
      env: options.env,
    });
  } catch (err) {
    const fresh = await store.getDeployment(record.id);
    if (fresh?.state === null && fresh.status === "in_progress") {
      await store.saveDeploymentState(record.id, {
        revision: fresh.revision,
        state: null,
        phase: "failed",
        status: "failed",
        reason: "the environment's agent could not start",
      });
    }
    throw err;
  }
}
