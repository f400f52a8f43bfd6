import { join } from "node:path";
import { createError } from "../core/errors";
import type { KyselyStoreOptions } from "./kysely-store";
import { SQLITE_STORE_TYPE, SqliteStore } from "./sqlite/sqlite-store";
import type { Store } from "./types";

/** Store types known to this build; `sluice.yml`'s `store.type` must be one of them. */
export const storeTypes = [SQLITE_STORE_TYPE] as const;
export type StoreType = (typeof storeTypes)[number];

export interface OpenStoreOptions extends KyselyStoreOptions {
  /** Which implementation; default `sqlite`. Typed loosely because it comes from user config. */
  type?: StoreType | (string & {});
  /** For sqlite: the database file, created with its directories if missing (or `":memory:"`). */
  path: string;
}

/**
 * Opens a store of the configured type and migrates it to the latest schema. An unknown type is a
 * SLUICE_E_CONFIG error (never a silent fallback to sqlite); failing to open or migrate is
 * SLUICE_E_STORE. The caller owns the store and must `close()` it.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { type = SQLITE_STORE_TYPE, path, ...rest } = options;
  switch (type) {
    case SQLITE_STORE_TYPE:
      return SqliteStore.open(path, rest);
    default:
      throw createError(
        "SLUICE_E_CONFIG",
        `Unknown store type "${type}"; expected one of: ${storeTypes.join(", ")}.`,
      );
  }
}

/** Where a repository's database lives unless configured: `<repoRoot>/.sluice/sluice.db`. */
export function defaultStorePath(repoRoot: string): string {
  return join(repoRoot, ".sluice", "sluice.db");
}
