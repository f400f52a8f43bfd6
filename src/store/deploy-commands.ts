/** Commands queued for environment agents, and approvals of rollouts. */
import type { Kysely, Selectable } from "kysely";
import { createError } from "../core/errors";
import { toJsonText } from "./audit-log";
import { DEPLOY_COMMAND_ID_COUNTER } from "./schema";
import type { ApprovalsTable, DeployCommandsTable, StoreDatabase } from "./schema";
import { isForeignKeyViolation } from "./store-errors";
import type { ApprovalRecord, DeployCommandRecord } from "./deployment-types";

/** Ids acknowledged per statement, well below every driver's limit on bound parameters. */
const ACK_BATCH = 500;

/**
 * Allocates the id and inserts in one transaction: ids then increase in commit order, so an agent
 * reading pending commands never sees a later command before an earlier one commits.
 */
export async function insertDeployCommand(
  db: Kysely<StoreDatabase>,
  command: Omit<DeployCommandRecord, "id" | "createdAt" | "ackedAt">,
  now: string,
): Promise<DeployCommandRecord> {
  try {
    return await db.transaction().execute(async (trx) => {
      const counter = await trx
        .insertInto("counters")
        .values({ name: DEPLOY_COMMAND_ID_COUNTER, value: 1 })
        .onConflict((oc) => oc.column("name").doUpdateSet((eb) => ({ value: eb("counters.value", "+", 1) })))
        .returning("value")
        .executeTakeFirstOrThrow();
      const row: DeployCommandsTable = {
        id: counter.value,
        environment: command.environment,
        deployment_id: command.deploymentId,
        command: toJsonText(command.command),
        actor: command.actor,
        created_at: now,
        acked_at: null,
      };
      await trx.insertInto("deploy_commands").values(row).execute();
      return commandFromRow(row);
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) {
      throw createError("SLUICE_E_DEPLOYMENT_NOT_FOUND", `No deployment with id ${command.deploymentId}.`, {
        cause: err,
      });
    }
    throw err;
  }
}

export async function selectPendingDeployCommands(
  db: Kysely<StoreDatabase>,
  environment: string,
): Promise<DeployCommandRecord[]> {
  const rows = await db
    .selectFrom("deploy_commands")
    .selectAll()
    .where("environment", "=", environment)
    .where("acked_at", "is", null)
    .orderBy("id")
    .execute();
  return rows.map(commandFromRow);
}

/** Already acknowledged commands keep their first acknowledgement time. */
export async function ackDeployCommandRows(
  db: Kysely<StoreDatabase>,
  ids: number[],
  now: string,
): Promise<void> {
  for (let i = 0; i < ids.length; i += ACK_BATCH) {
    await db
      .updateTable("deploy_commands")
      .set({ acked_at: now })
      .where("id", "in", ids.slice(i, i + ACK_BATCH))
      .where("acked_at", "is", null)
      .execute();
  }
}

/**
 * Inserts the answer unless the request already has one (the primary key decides, also between
 * processes), then returns whichever answer is stored.
 */
export async function insertApproval(
  db: Kysely<StoreDatabase>,
  approval: Omit<ApprovalRecord, "createdAt">,
  now: string,
): Promise<ApprovalRecord> {
  try {
    await db
      .insertInto("approvals")
      .values({
        deployment_id: approval.deploymentId,
        request_id: approval.requestId,
        name: approval.name,
        approved: approval.approved ? 1 : 0,
        approved_by: approval.by,
        comment: approval.comment,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(["deployment_id", "request_id"]).doNothing())
      .execute();
  } catch (err) {
    if (isForeignKeyViolation(err)) {
      throw createError("SLUICE_E_DEPLOYMENT_NOT_FOUND", `No deployment with id ${approval.deploymentId}.`, {
        cause: err,
      });
    }
    throw err;
  }
  const row = await db
    .selectFrom("approvals")
    .selectAll()
    .where("deployment_id", "=", approval.deploymentId)
    .where("request_id", "=", approval.requestId)
    .executeTakeFirstOrThrow();
  return approvalFromRow(row);
}

export async function selectApprovals(
  db: Kysely<StoreDatabase>,
  deploymentId: string,
): Promise<ApprovalRecord[]> {
  const rows = await db
    .selectFrom("approvals")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .orderBy("created_at")
    .orderBy("request_id")
    .execute();
  return rows.map(approvalFromRow);
}

function commandFromRow(row: Selectable<DeployCommandsTable>): DeployCommandRecord {
  return {
    id: row.id,
    environment: row.environment,
    deploymentId: row.deployment_id,
    command: JSON.parse(row.command) as unknown,
    actor: row.actor,
    createdAt: row.created_at,
    ackedAt: row.acked_at,
  };
}

function approvalFromRow(row: Selectable<ApprovalsTable>): ApprovalRecord {
  return {
    deploymentId: row.deployment_id,
    requestId: row.request_id,
    name: row.name,
    approved: row.approved === 1,
    by: row.approved_by,
    comment: row.comment,
    createdAt: row.created_at,
  };
}
