/**
 * `actions/cache`, `actions/cache/restore` and `actions/cache/save` over the local CacheStore. Inputs,
 * outputs and outcomes follow the real actions: a bad key or a missing `path` fails the restore, while
 * anything going wrong while saving is only a warning, so a cache can never break a build.
 */
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../types";
import { CacheStore, cacheVersion } from "./cache-store";
import { booleanInput, logWarning, parseLines, resolveUserPath } from "./inputs";
import { matchPaths } from "./path-match";

/** State names the real action uses between its main and post steps. */
const STATE_PRIMARY_KEY = "CACHE_KEY";
const STATE_MATCHED_KEY = "CACHE_RESULT";

const MAX_KEY_LENGTH = 512;

/** Rejects keys the cache service would reject, with the real action's wording. */
function validateKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) {
    throw createError(
      "SLUICE_E_CACHE",
      `Key Validation Error: ${key} cannot be larger than ${MAX_KEY_LENGTH} characters.`,
    );
  }
  if (key.includes(","))
    throw createError("SLUICE_E_CACHE", `Key Validation Error: ${key} cannot contain commas.`);
}

function requiredInput(ctx: BuiltinContext, name: string): string {
  const value = ctx.input(name).trim();
  if (value === "") throw createError("SLUICE_E_CACHE", `Input required and not supplied: ${name}`);
  return value;
}

type RestoreMode = "cache" | "restore";

async function lookUp(
  ctx: BuiltinContext,
  keys: string[],
  version: string,
  lookupOnly: boolean,
): Promise<string | undefined> {
  const store = new CacheStore(ctx.stateDir);
  try {
    const entry = await store.find(keys, version);
    if (entry === undefined) return undefined;
    if (!lookupOnly) await store.restore(entry, ctx.workspace);
    return entry.key;
  } catch (err) {
    // As in @actions/cache: an unreadable store or failed copy is a warning and counts as a miss.
    logWarning(ctx, `Failed to restore: ${(err as Error).message}`);
    return undefined;
  }
}

/** The restore half shared by actions/cache (main) and actions/cache/restore. */
async function restoreCache(ctx: BuiltinContext, mode: RestoreMode): Promise<BuiltinResult> {
  const key = requiredInput(ctx, "key");
  const pathLines = parseLines(requiredInput(ctx, "path"));
  const restoreKeys = parseLines(ctx.input("restore-keys"));
  for (const k of [key, ...restoreKeys]) validateKey(k);
  const lookupOnly = booleanInput(ctx, "lookup-only", false, "SLUICE_E_CACHE");
  const failOnMiss = booleanInput(ctx, "fail-on-cache-miss", false, "SLUICE_E_CACHE");
  if (mode === "cache") {
    ctx.saveState(STATE_PRIMARY_KEY, key);
    if (ctx.input("save-always").trim() !== "") {
      logWarning(ctx, "save-always is not supported; the cache is saved only when the job succeeds.");
    }
  } else {
    ctx.setOutput("cache-primary-key", key);
  }

  const matched = await lookUp(ctx, [key, ...restoreKeys], cacheVersion(pathLines), lookupOnly);
  if (matched === undefined) {
    if (failOnMiss) {
      throw createError(
        "SLUICE_E_CACHE",
        `Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${key}`,
      );
    }
    // Like the real action, cache-hit stays unset on a complete miss; `!= 'true'` checks still work.
    ctx.log(`Cache not found for input keys: ${[key, ...restoreKeys].join(", ")}`);
    return { outcome: "success" };
  }
  if (mode === "cache") ctx.saveState(STATE_MATCHED_KEY, matched);
  else ctx.setOutput("cache-matched-key", matched);
  ctx.setOutput("cache-hit", String(matched === key));
  ctx.log(
    lookupOnly
      ? `Cache found and can be restored from key: ${matched}`
      : `Cache restored from key: ${matched}`,
  );
  return { outcome: "success" };
}

/**
 * Saves `pathText` under `key`. Never throws for cache reasons: a missing path, an existing key or an
 * I/O error is logged, as the real action does, and the step still succeeds.
 */
async function saveCache(ctx: BuiltinContext, key: string, pathText: string): Promise<void> {
  try {
    validateKey(key);
    const pathLines = parseLines(pathText);
    if (pathLines.length === 0) throw new Error("Input required and not supplied: path");
    const match = await matchPaths(pathLines, {
      resolve: (p) => resolveUserPath(ctx, p),
      implicitDescendants: false,
      includeHidden: true,
      followSymlinks: false,
      signal: ctx.signal,
    });
    if (match.paths.length === 0) {
      logWarning(
        ctx,
        "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.",
      );
      return;
    }
    const store = new CacheStore(ctx.stateDir);
    const saved = await store.save(key, cacheVersion(pathLines), match.paths, ctx.workspace, new Date());
    ctx.log(
      saved
        ? `Cache saved with key: ${key}`
        : `Failed to save: an entry with key ${key} already exists; another job may have created it.`,
    );
  } catch (err) {
    logWarning(ctx, `Failed to save: ${(err as Error).message}`);
  }
}

async function cachePost(ctx: BuiltinContext): Promise<BuiltinResult> {
  const primary = ctx.getState(STATE_PRIMARY_KEY);
  if (primary === "") {
    logWarning(ctx, "Key is not specified.");
    return { outcome: "success" };
  }
  if (ctx.getState(STATE_MATCHED_KEY) === primary) {
    ctx.log(`Cache hit occurred on the primary key ${primary}, not saving cache.`);
    return { outcome: "success" };
  }
  await saveCache(ctx, primary, ctx.input("path"));
  return { outcome: "success" };
}

async function saveMain(ctx: BuiltinContext): Promise<BuiltinResult> {
  const key = ctx.input("key").trim();
  if (key === "") logWarning(ctx, "Key is not specified.");
  else await saveCache(ctx, key, ctx.input("path"));
  return { outcome: "success" };
}

/** `actions/cache`: restores in main; saves in post when the job succeeded and the key was not an exact hit. */
export const cacheAction: BuiltinAction = {
  name: "actions/cache",
  main: (ctx) => restoreCache(ctx, "cache"),
  post: cachePost,
  postIf: "success",
};

/** `actions/cache/restore`: restore only, with `cache-primary-key` and `cache-matched-key` outputs. */
export const cacheRestoreAction: BuiltinAction = {
  name: "actions/cache/restore",
  main: (ctx) => restoreCache(ctx, "restore"),
};

/** `actions/cache/save`: saves `path` under `key` unless that key already exists. */
export const cacheSaveAction: BuiltinAction = {
  name: "actions/cache/save",
  main: saveMain,
};
