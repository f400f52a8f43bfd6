/**
 * What the store keeps about deployments: one record per rollout (its strategy state, persisted before
 * every action the controller takes), the commands users send to a running rollout or environment
 * (promote, abort, chaos…), approvals, the environment's agent and stable version, and the append-only,
 * hash-chained audit trail. JSON columns hold plain JSON values; the store never interprets them.
 */

/** A rollout's lifecycle as the store sees it; the strategy's own phase is in `phase`. */
export type DeploymentStatus = "in_progress" | "completed" | "rolledBack" | "aborted" | "failed";

export interface DeploymentRecord {
  /** Random id (uuid). */
  id: string;
  /** 1, 2, … across all environments; unique and increasing, never reused. */
  number: number;
  environment: string;
  /** The version being rolled out. */
  version: string;
  /** The version serving when the rollout began (null: first deployment). */
  previousVersion: string | null;
  /** `canary`, `blueGreen` or `rolling`. */
  strategy: string;
  status: DeploymentStatus;
  /** The strategy phase (RolloutPhase) of `state`, copied out for listing. */
  phase: string;
  /** The resolved rollout spec and everything the agent needs to run the version (JSON). */
  spec: unknown;
  /** The strategy state (JSON); replaced wholesale by every save. */
  state: unknown;
  /** Incremented by every `saveDeploymentState`; a save naming an older revision fails. */
  revision: number;
  /** Who started it (user name, `ci`, a token subject). */
  actor: string;
  /** The pipeline run that started it, if any. */
  runId: string | null;
  ref: string | null;
  sha: string | null;
  /** An artifact digest (`sha256:…`), when deployed from one. */
  artifact: string | null;
  /** Why it ended, or why it is held. */
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set when `status` leaves `in_progress`. */
  finishedAt: string | null;
}

export type NewDeployment = Omit<
  DeploymentRecord,
  "id" | "number" | "status" | "revision" | "reason" | "createdAt" | "updatedAt" | "finishedAt"
>;

export interface DeploymentStatePatch {
  /** The revision the caller loaded; the save fails with SLUICE_E_STORE_CONFLICT when it moved on. */
  revision: number;
  state: unknown;
  phase: string;
  status: DeploymentStatus;
  reason: string | null;
  /** Audit entries written in the same transaction as the state, so neither exists without the other. */
  audit?: NewAuditEntry[];
}

export interface DeploymentFilter {
  environment?: string;
  status?: DeploymentStatus;
  /** Newest first; all when unset. */
  limit?: number;
}

/**
 * A command for an environment's agent. `deploymentId` null: aimed at the environment (chaos,
 * stop), otherwise at one rollout (promote, abort, rollback). The agent acknowledges a command only
 * after the decision that saw it is persisted, so a crash in between delivers it again.
 */
export interface DeployCommandRecord {
  /** Increasing integer: commands are delivered in this order. */
  id: number;
  environment: string;
  deploymentId: string | null;
  /** The command as JSON (`{ type: "promote", full: true }`, `{ type: "chaos", … }`). */
  command: unknown;
  actor: string;
  createdAt: string;
  /** When the agent acknowledged it; null while pending. */
  ackedAt: string | null;
}

/** An answer to an approval request of a rollout. A request has at most one answer; the first wins. */
export interface ApprovalRecord {
  deploymentId: string;
  requestId: string;
  /** The approval step's name. */
  name: string;
  approved: boolean;
  by: string;
  comment: string | null;
  createdAt: string;
}

/**
 * The live side of an environment: which agent process serves it and where, and the version it
 * serves when no rollout runs. Upserted by the agent; read by the CLI and server.
 */
export interface EnvironmentRecord {
  name: string;
  /** Version serving all traffic outside rollouts (the last completed rollout's); null before the first. */
  stableVersion: string | null;
  /** The deployment that made `stableVersion` stable, to find its run spec again after a restart. */
  stableDeploymentId: string | null;
  /** The agent process and when it last said it was alive; null when no agent runs. */
  agentPid: number | null;
  heartbeatAt: string | null;
  /** Where the router accepts traffic (`http://127.0.0.1:8080`), null when unknown. */
  routerUrl: string | null;
  /** Anything the agent wants the status view to show (weights, per-version metrics), JSON. */
  live: unknown;
  updatedAt: string;
}

export type EnvironmentPatch = Partial<Omit<EnvironmentRecord, "name" | "updatedAt">>;

/** One entry of the append-only audit trail. */
export interface AuditRecord {
  /** 1, 2, … with no gaps. */
  seq: number;
  at: string;
  /** Who did it. */
  actor: string;
  /** What, as `<noun>.<verb>`: `deployment.started`, `deployment.weights`, `approval.granted`… */
  action: string;
  /** What it was done to: `deployment:<id>`, `environment:<name>`, `run:<id>`. */
  subject: string;
  /** Details (JSON; `undefined` is stored as null, as JSON.stringify would drop it). */
  data: unknown;
  /**
   * sha256 hex of the previous entry's `hash` ("" for the first) followed by this entry's canonical
   * JSON: `{seq, at, actor, action, subject, data}` with object keys sorted at every depth, no spaces.
   */
  hash: string;
}

export type NewAuditEntry = Pick<AuditRecord, "actor" | "action" | "subject" | "data">;

export interface AuditFilter {
  subject?: string;
  /** Only entries with `seq` greater than this. */
  afterSeq?: number;
  /** Oldest first; the first `limit` after `afterSeq`. */
  limit?: number;
}

/** Where the audit chain breaks, if it does. */
export interface AuditVerification {
  ok: boolean;
  /** Entries checked, the broken one included. */
  checked: number;
  /**
   * The seq of the first entry whose hash does not match its content and predecessor, or that
   * follows a gap (a deleted entry). Removing the last entries cannot be detected by the chain.
   */
  brokenAt: number | null;
}

/** The deployment part of the Store interface (see types.ts). */
export interface DeploymentStore {
  /**
   * Creates a rollout in status `in_progress`, revision 0, with the next number. Fails with
   * SLUICE_E_DEPLOY_BUSY when the environment already has an `in_progress` deployment (at most one
   * rollout per environment, enforced by the database, also across processes).
   */
  createDeployment(deployment: NewDeployment): Promise<DeploymentRecord>;
  /**
   * Saves a new strategy state (compare-and-set on `revision`): returns the new revision. Sets
   * `finishedAt` when `status` leaves `in_progress`. SLUICE_E_STORE_CONFLICT when the revision moved
   * on (another controller saved in between), SLUICE_E_DEPLOYMENT_NOT_FOUND for an unknown id.
   */
  saveDeploymentState(id: string, patch: DeploymentStatePatch): Promise<number>;
  /** By full id, unique id prefix (≥ 4 characters) or number as a decimal string; null when none. */
  getDeployment(idOrNumber: string): Promise<DeploymentRecord | null>;
  /** The environment's `in_progress` deployment, or null. */
  activeDeployment(environment: string): Promise<DeploymentRecord | null>;
  /** Newest first (by number). */
  listDeployments(filter?: DeploymentFilter): Promise<DeploymentRecord[]>;

  /**
   * Queues a command; returns it with its id. SLUICE_E_DEPLOYMENT_NOT_FOUND when `deploymentId`
   * names no deployment.
   */
  enqueueDeployCommand(
    command: Omit<DeployCommandRecord, "id" | "createdAt" | "ackedAt">,
  ): Promise<DeployCommandRecord>;
  /** Unacknowledged commands of an environment (any deployment or none), oldest first. */
  pendingDeployCommands(environment: string): Promise<DeployCommandRecord[]>;
  /**
   * Marks commands acknowledged; unknown or already acknowledged ids are ignored (an acknowledged
   * command keeps its first `ackedAt`).
   */
  ackDeployCommands(ids: number[]): Promise<void>;

  /**
   * Records an answer to an approval request. Returns the stored answer: the earlier one when the
   * request was already answered (first answer wins, so two approvers racing cannot flip it).
   * SLUICE_E_DEPLOYMENT_NOT_FOUND when the deployment does not exist.
   */
  recordApproval(approval: Omit<ApprovalRecord, "createdAt">): Promise<ApprovalRecord>;
  /** Every answer for a deployment, oldest first (answers within one millisecond by request id). */
  listApprovals(deploymentId: string): Promise<ApprovalRecord[]>;

  /** The environment, or null if no agent or deployment ever touched it. */
  getEnvironment(name: string): Promise<EnvironmentRecord | null>;
  /** Creates or updates (only the given fields; `undefined` leaves a field alone, null clears). */
  upsertEnvironment(name: string, patch: EnvironmentPatch): Promise<EnvironmentRecord>;
  /** All environments, by name. */
  listEnvironments(): Promise<EnvironmentRecord[]>;

  /**
   * Appends to the audit trail atomically (the next seq and the chained hash computed in the same
   * transaction, so concurrent writers in several processes still form one chain).
   */
  appendAudit(entry: NewAuditEntry): Promise<AuditRecord>;
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  /** Recomputes the chain from the first entry; reports the first broken link. */
  verifyAudit(): Promise<AuditVerification>;
}
