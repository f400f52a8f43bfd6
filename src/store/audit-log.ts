/**
 * The append-only, hash-chained audit trail. Each entry's hash covers its predecessor's hash and its
 * own canonical JSON, so editing, reordering or removing an entry (other than the last) breaks every
 * later link. Appends compute the next seq and hash inside a write transaction; `seq` is the primary
 * key, so even a database that lets two such transactions overlap can never fork the chain.
 */
import { createHash } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { canonicalJson } from "./canonical-json";
import type { AuditLogTable, StoreDatabase } from "./schema";
import { isUniqueViolation } from "./store-errors";
import type { AuditFilter, AuditRecord, AuditVerification, NewAuditEntry } from "./deployment-types";

/** How often a write transaction is retried after losing a race for the next audit seq. */
const AUDIT_APPEND_ATTEMPTS = 10;
/** Entries read per query while verifying, so a long trail is never loaded at once. */
const VERIFY_PAGE = 1000;

/** sha256 hex of the previous hash ("" before the first entry) and the entry's canonical JSON. */
export function auditHash(prevHash: string, entry: Omit<AuditRecord, "hash">): string {
  const { seq, at, actor, action, subject, data } = entry;
  return createHash("sha256")
    .update(prevHash + canonicalJson({ seq, at, actor, action, subject, data }))
    .digest("hex");
}

/**
 * Runs `work` in a write transaction, again from the start (after rollback) when it lost the race
 * for an audit seq. On SQLite the store's transactions take the write lock up front, so this never
 * happens; on PostgreSQL (read committed) two appends can read the same last entry, and the loser's
 * insert fails on the primary key.
 */
export async function inWriteTransaction<T>(
  db: Kysely<StoreDatabase>,
  work: (trx: Kysely<StoreDatabase>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (!isUniqueViolation(err, "audit_log") || attempt === AUDIT_APPEND_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** Appends entries in order within the caller's transaction; all share the timestamp `at`. */
export async function insertAuditEntries(
  trx: Kysely<StoreDatabase>,
  entries: readonly NewAuditEntry[],
  at: string,
): Promise<AuditRecord[]> {
  if (entries.length === 0) return [];
  const last = await trx
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? "";
  const records: AuditRecord[] = [];
  for (const entry of entries) {
    const data = toJsonText(entry.data);
    const unhashed = { seq: ++seq, at, actor: entry.actor, action: entry.action, subject: entry.subject };
    // Hash the value as it will read back, so verification recomputes exactly the same text.
    const record: AuditRecord = { ...unhashed, data: JSON.parse(data) as unknown, hash: "" };
    record.hash = auditHash(prevHash, record);
    await trx
      .insertInto("audit_log")
      .values({ ...unhashed, data, hash: record.hash })
      .execute();
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}

export async function appendAuditEntry(
  db: Kysely<StoreDatabase>,
  entry: NewAuditEntry,
  at: string,
): Promise<AuditRecord> {
  const [record] = await inWriteTransaction(db, (trx) => insertAuditEntries(trx, [entry], at));
  return record!;
}

export async function selectAudit(
  db: Kysely<StoreDatabase>,
  filter: AuditFilter = {},
): Promise<AuditRecord[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("seq");
  if (filter.subject !== undefined) query = query.where("subject", "=", filter.subject);
  if (filter.afterSeq !== undefined) query = query.where("seq", ">", filter.afterSeq);
  if (filter.limit !== undefined) query = query.limit(Math.max(0, Math.floor(filter.limit)));
  return (await query.execute()).map(auditFromRow);
}

/**
 * Walks the chain from seq 1, page by page. An entry is broken when its seq is not the next one (a
 * gap), its data is not JSON, or its hash differs from the recomputed one; `brokenAt` is its seq.
 */
export async function verifyAuditChain(db: Kysely<StoreDatabase>): Promise<AuditVerification> {
  let checked = 0;
  let prevHash = "";
  for (;;) {
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", checked)
      .orderBy("seq")
      .limit(VERIFY_PAGE)
      .execute();
    for (const row of rows) {
      if (row.seq !== checked + 1 || !hashMatches(row, prevHash)) {
        return { ok: false, checked: checked + 1, brokenAt: row.seq };
      }
      checked = row.seq;
      prevHash = row.hash;
    }
    if (rows.length < VERIFY_PAGE) return { ok: true, checked, brokenAt: null };
  }
}

function hashMatches(row: Selectable<AuditLogTable>, prevHash: string): boolean {
  try {
    return auditHash(prevHash, { ...row, data: JSON.parse(row.data) as unknown }) === row.hash;
  } catch {
    return false; // data that is not JSON was edited by hand
  }
}

function auditFromRow(row: Selectable<AuditLogTable>): AuditRecord {
  return { ...row, data: JSON.parse(row.data) as unknown };
}

/** JSON text of a value; `undefined` (which JSON cannot hold) is stored as null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
