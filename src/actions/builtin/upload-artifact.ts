/**
 * `actions/upload-artifact` (v4 semantics) into the local ArtifactStore: paths are stored relative
 * to the least common ancestor of the patterns' search paths, hidden files are left out unless asked
 * for, and a name can be uploaded once per run unless `overwrite` is set.
 */
import { relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../types";
import { ArtifactStore } from "./artifact-store";
import { booleanInput, choiceInput, logWarning, parseLines, resolveUserPath } from "./inputs";
import { artifactRoot, matchPaths } from "./path-match";

/** GitHub's maximum (and default) retention for public repositories. */
const MAX_RETENTION_DAYS = 90;

/** `retention-days`: empty or 0 means the default; above the maximum is clamped with a warning. */
function retentionDays(ctx: BuiltinContext): number {
  const raw = ctx.input("retention-days").trim();
  if (raw === "") return MAX_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 0) {
    throw createError("SLUICE_E_ARTIFACT", `retention-days must be a whole number of days, got "${raw}"`);
  }
  if (days === 0) return MAX_RETENTION_DAYS;
  if (days > MAX_RETENTION_DAYS) {
    logWarning(ctx, `retention-days ${days} is above the maximum; using ${MAX_RETENTION_DAYS}`);
    return MAX_RETENTION_DAYS;
  }
  return days;
}

function checkCompressionLevel(ctx: BuiltinContext): void {
  const raw = ctx.input("compression-level").trim();
  if (raw === "") return;
  const level = Number(raw);
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw createError("SLUICE_E_ARTIFACT", `compression-level must be 0 to 9, got "${raw}"`);
  }
  // Accepted for compatibility; files are stored uncompressed.
}

/** Handles an upload that matched nothing, per `if-no-files-found`. */
function noFilesFound(
  ctx: BuiltinContext,
  lines: string[],
  mode: "warn" | "error" | "ignore",
): BuiltinResult {
  const message = `No files were found with the provided path: ${lines.join(", ")}. No artifacts will be uploaded.`;
  if (mode === "error") throw createError("SLUICE_E_ARTIFACT", message);
  if (mode === "warn") logWarning(ctx, message);
  else ctx.log(message);
  return { outcome: "success" };
}

async function uploadMain(ctx: BuiltinContext): Promise<BuiltinResult> {
  const name = ctx.input("name").trim() || "artifact";
  const lines = parseLines(ctx.input("path"));
  if (lines.length === 0) throw createError("SLUICE_E_ARTIFACT", "Input required and not supplied: path");
  const ifNoFiles = choiceInput(
    ctx,
    "if-no-files-found",
    ["warn", "error", "ignore"],
    "warn",
    "SLUICE_E_ARTIFACT",
  );
  const overwrite = booleanInput(ctx, "overwrite", false, "SLUICE_E_ARTIFACT");
  const includeHidden = booleanInput(ctx, "include-hidden-files", false, "SLUICE_E_ARTIFACT");
  const days = retentionDays(ctx);
  checkCompressionLevel(ctx);

  const match = await matchPaths(lines, {
    resolve: (p) => resolveUserPath(ctx, p),
    implicitDescendants: true,
    includeHidden,
    followSymlinks: true,
    signal: ctx.signal,
  });
  if (match.paths.length === 0) return noFilesFound(ctx, lines, ifNoFiles);

  const root = artifactRoot(match);
  const files = match.paths.map((source) => ({ source, path: relative(root, source).split(sep).join("/") }));
  ctx.log(`With the provided path, there will be ${files.length} file(s) uploaded, relative to ${root}`);
  const store = new ArtifactStore(ctx.stateDir, ctx.runId);
  const meta = await store.put(name, files, {
    overwrite,
    retentionDays: days,
    now: new Date(),
    signal: ctx.signal,
  });

  ctx.setOutput("artifact-id", meta.id);
  ctx.setOutput("artifact-url", pathToFileURL(store.filesDir(name)).href);
  ctx.setOutput("artifact-digest", meta.digest);
  ctx.log(
    `Artifact ${name} has been successfully uploaded! Final size is ${meta.size} bytes. Artifact ID is ${meta.id}`,
  );
  return { outcome: "success" };
}

/** `actions/upload-artifact`: stores matched files as a named artifact of the current run. */
export const uploadArtifactAction: BuiltinAction = {
  name: "actions/upload-artifact",
  main: uploadMain,
};
