/**
 * `sluice deploy` before the agent takes over: checks the environment accepts the version (branch
 * rules), resolves the version serving now and how it runs, builds the deployment spec, and records
 * the deployment (at most one in progress per environment, enforced by the store) with an audit entry.
 */
import type { SluiceConfig } from "../../config/schema";
import { createError } from "../../core/errors";
import type { DeploymentRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import { matchFilters, refName } from "../../workflow/filters";
import { buildDeploymentSpec } from "../controller/deployment-spec";
import { agentAlive } from "./agent-process";
import type { DeploymentSpec, VersionRun } from "../controller/deployment-spec";

export interface StartDeploymentRequest {
  config: SluiceConfig;
  store: Store;
  environment: string;
  /** The version to roll out (`--version`); with an artifact, its digest names the version when absent. */
  version?: string;
  artifact?: string;
  /** Extra environment for the new version's instances. */
  env?: Record<string, string>;
  actor: string;
  ref: string | null;
  sha: string | null;
  runId?: string | null;
  /** A rollback redeploys this earlier deployment's version with a fast switch. */
  rollbackOf?: string | null;
  /** Deploy even from a branch the environment does not list (recorded in the audit trail). */
  force?: boolean;
}

export function environmentConfig(config: SluiceConfig, name: string): SluiceConfig["environments"][string] {
  const env = config.environments[name];
  if (env === undefined) {
    const known = Object.keys(config.environments);
    throw createError(
      "SLUICE_E_DEPLOYMENT_NOT_FOUND",
      `No environment "${name}" in sluice.yml${known.length > 0 ? ` (configured: ${known.join(", ")})` : "; add one under `environments:`"}.`,
    );
  }
  return env;
}

export async function startDeployment(req: StartDeploymentRequest): Promise<DeploymentRecord> {
  const { config, store, environment } = req;
  const envConfig = environmentConfig(config, environment);
  const version = req.version ?? (req.artifact ? shortDigest(req.artifact) : undefined);
  if (version === undefined || version === "") {
    throw createError(
      "SLUICE_E_DEPLOY_REFUSED",
      "Give the version to deploy: --version V or --artifact DIGEST.",
    );
  }
  if (!/^[\w.+-]+$/.test(version)) {
    throw createError(
      "SLUICE_E_DEPLOY_REFUSED",
      `Version "${version}" may use letters, digits, ".", "+", "-" and "_" only.`,
    );
  }
  checkBranch(envConfig.branches, req.ref, environment, req.force === true);
  await checkIdle(store, environment);
  const stable = await currentStable(store, environment);
  if (stable?.version === version && !req.rollbackOf) {
    throw createError(
      "SLUICE_E_DEPLOY_REFUSED",
      `${version} is already the stable version of ${environment}.`,
    );
  }
  const spec = buildDeploymentSpec({
    environment,
    config: envConfig,
    analyses: config.analyses,
    version,
    stable,
    ...(req.env ? { env: req.env } : {}),
    rollbackOf: req.rollbackOf ?? null,
  });
  const record = await store.createDeployment({
    environment,
    version,
    previousVersion: stable?.version ?? null,
    strategy: spec.rollout.strategy,
    phase: "pending",
    spec,
    state: null,
    actor: req.actor,
    runId: req.runId ?? null,
    ref: req.ref,
    sha: req.sha,
    artifact: req.artifact ?? null,
  });
  await store.appendAudit({
    actor: req.actor,
    action: req.rollbackOf ? "deployment.rollback-requested" : "deployment.requested",
    subject: `deployment:${record.id}`,
    data: {
      environment,
      number: record.number,
      version,
      previousVersion: stable?.version ?? null,
      strategy: spec.rollout.strategy,
      ref: req.ref,
      sha: req.sha,
      ...(req.force ? { forced: true } : {}),
    },
  });
  return record;
}

/**
 * One rollout per environment. The store enforces it (also between racing processes); this check
 * comes first to say which rollout is in the way and what to do about it.
 */
async function checkIdle(store: Store, environment: string): Promise<void> {
  const active = await store.activeDeployment(environment);
  if (active === null) return;
  const alive = agentAlive(await store.getEnvironment(environment));
  throw createError(
    "SLUICE_E_DEPLOY_BUSY",
    `Deployment #${active.number} (${active.version}) of ${environment} is in progress (${active.phase}); ` +
      (alive
        ? `sluice promote ${environment}, sluice abort ${environment}, or wait for it.`
        : `its agent is not running: sluice agent ${environment} --detach resumes it (or sluice abort ${environment}).`),
  );
}

/** The environment's stable version and how it was run, from the deployment that made it stable. */
export async function currentStable(
  store: Store,
  environment: string,
): Promise<{ version: string; run: VersionRun } | null> {
  const env = await store.getEnvironment(environment);
  if (!env?.stableVersion || !env.stableDeploymentId) return null;
  const record = await store.getDeployment(env.stableDeploymentId);
  const spec = record?.spec as DeploymentSpec | undefined;
  if (!spec) return null;
  return { version: env.stableVersion, run: spec.run };
}

function checkBranch(
  branches: string[] | undefined,
  ref: string | null,
  environment: string,
  force: boolean,
): void {
  if (branches === undefined || force) return;
  const branch = ref ? refName(ref) : null;
  if (branch !== null && matchFilters(branches, branch)) return;
  throw createError(
    "SLUICE_E_DEPLOY_REFUSED",
    `${environment} accepts deployments from ${branches.join(", ")}; this is ${branch ?? "not a branch"} (--ref to name another, --force to override).`,
  );
}

function shortDigest(artifact: string): string {
  const hex = artifact.replace(/^sha256:/, "");
  return `sha256-${hex.slice(0, 12)}`;
}
