/**
 * `actions/download-artifact` (v4 semantics) from the local ArtifactStore: one artifact by name into
 * `path`, or every matching artifact into `path/<name>/` (or all into `path` with merge-multiple).
 * `run-id` reads another local run's artifacts; another repository needs the network and is refused.
 */
import picomatch from "picomatch";
import { join } from "node:path";
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../types";
import type { ArtifactMeta } from "./artifact-store";
import { ArtifactStore } from "./artifact-store";
import { booleanInput, resolveUserPath } from "./inputs";

function isLive(meta: ArtifactMeta, now: Date): boolean {
  return Date.parse(meta.expires) > now.getTime();
}

function checkRepository(ctx: BuiltinContext): void {
  const repo = ctx.input("repository").trim().toLowerCase();
  const current = (ctx.env.GITHUB_REPOSITORY ?? "").toLowerCase();
  if (repo === "" || repo === current) return;
  throw createError(
    "SLUICE_E_ARTIFACT",
    `cannot download artifacts of repository "${repo}": Sluice only has this repository's local runs`,
  );
}

async function downloadOne(
  ctx: BuiltinContext,
  store: ArtifactStore,
  name: string,
  dest: string,
): Promise<void> {
  const meta = await store.get(name);
  if (meta === undefined || !isLive(meta, new Date())) {
    const available = (await store.list()).filter((m) => isLive(m, new Date())).map((m) => m.name);
    const reason = meta === undefined ? "" : ` (it expired on ${meta.expires})`;
    throw createError(
      "SLUICE_E_ARTIFACT",
      `Artifact not found for name: ${name}${reason} in run ${store.runId}. ` +
        `Available: ${available.length > 0 ? available.join(", ") : "none"}.`,
    );
  }
  await store.copyOut(name, dest);
  ctx.log(`Artifact ${name} (${meta.files} file(s)) downloaded to ${dest}`);
}

/** The artifacts a download without `name` selects: by `artifact-ids`, else by `pattern`, else all. */
async function selectArtifacts(ctx: BuiltinContext, store: ArtifactStore): Promise<ArtifactMeta[]> {
  const live = (await store.list()).filter((m) => isLive(m, new Date()));
  const ids = ctx
    .input("artifact-ids")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (ids.length > 0) {
    const chosen = live.filter((m) => ids.includes(m.id));
    const missing = ids.filter((id) => !chosen.some((m) => m.id === id));
    if (missing.length > 0) {
      throw createError(
        "SLUICE_E_ARTIFACT",
        `no artifact with id ${missing.join(", ")} in run ${store.runId}`,
      );
    }
    return chosen;
  }
  const pattern = ctx.input("pattern").trim();
  if (pattern === "") return live;
  const isMatch = picomatch(pattern, { dot: true });
  return live.filter((m) => isMatch(m.name));
}

async function downloadMain(ctx: BuiltinContext): Promise<BuiltinResult> {
  checkRepository(ctx);
  const name = ctx.input("name").trim();
  if (name !== "" && ctx.input("artifact-ids").trim() !== "") {
    throw createError("SLUICE_E_ARTIFACT", "Inputs 'name' and 'artifact-ids' cannot be used together.");
  }
  const mergeMultiple = booleanInput(ctx, "merge-multiple", false, "SLUICE_E_ARTIFACT");
  const dest = resolveUserPath(ctx, ctx.input("path").trim() || ".");
  const store = new ArtifactStore(ctx.stateDir, ctx.input("run-id").trim() || ctx.runId);

  if (name !== "") {
    if (ctx.input("pattern").trim() !== "") ctx.log("pattern is ignored because name is set.");
    await downloadOne(ctx, store, name, dest);
  } else {
    const selected = await selectArtifacts(ctx, store);
    if (selected.length === 0) ctx.log(`No artifacts found to download in run ${store.runId}.`);
    for (const meta of selected) {
      await downloadOne(ctx, store, meta.name, mergeMultiple ? dest : join(dest, meta.name));
    }
    if (selected.length > 0) ctx.log(`Total of ${selected.length} artifact(s) downloaded.`);
  }
  ctx.setOutput("download-path", dest);
  return { outcome: "success" };
}

/** `actions/download-artifact`: copies artifacts of this (or another local) run into the workspace. */
export const downloadArtifactAction: BuiltinAction = {
  name: "actions/download-artifact",
  main: downloadMain,
};
