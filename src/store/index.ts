export type * from "./types";
export type * from "./deployment-types";
export { openStore, defaultStorePath, storeTypes } from "./registry";
export type { OpenStoreOptions, StoreType } from "./registry";
export { SqliteStore, SQLITE_STORE_TYPE } from "./sqlite/sqlite-store";
export type { KyselyStoreOptions } from "./kysely-store";
export { isPidAlive } from "./pid";
