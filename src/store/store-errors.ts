/** Recognising constraint violations across drivers: SQLite's extended codes, PostgreSQL's SQLSTATEs. */

/** SQLite reports SQLITE_CONSTRAINT_FOREIGNKEY; PostgreSQL reports SQLSTATE 23503. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503";
}

/**
 * A unique or primary-key violation, optionally only on `table`: SQLite names the table in its message
 * (`UNIQUE constraint failed: audit_log.seq`, or `index 'deployments_one_active'` for an expression or
 * partial index), PostgreSQL reports SQLSTATE 23505 with the table and constraint names.
 */
export function isUniqueViolation(err: unknown, table?: string): boolean {
  const e = err as { code?: unknown; message?: unknown; table?: unknown; constraint?: unknown } | null;
  const code = e?.code;
  if (code !== "SQLITE_CONSTRAINT_UNIQUE" && code !== "SQLITE_CONSTRAINT_PRIMARYKEY" && code !== "23505") {
    return false;
  }
  if (table === undefined) return true;
  const names = [e?.message, e?.table, e?.constraint].filter((n): n is string => typeof n === "string");
  return names.some((n) => n.includes(table));
}
