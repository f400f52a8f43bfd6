/**
 * `uses:` steps. Resolution order: `docker://` (unsupported on the host), a local path (`./dir`),
 * a built-in equivalent (actions/checkout, setup-node, cache, upload/download-artifact), an action
 * vendored under .sluice/actions/<owner>/<repo>@<ref>/, else a clear failure naming the action.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { createError } from "../../core/errors";
import type { StepDef } from "../../workflow/model";
import type { JobScope, StepFrame } from "../scope";
import { runBuiltin } from "./builtin-step";
import { runLocalAction } from "./local-action";
import { isLocalUses } from "./node-action";
import type { StepBodyResult } from "./run-step";
import type { StepOutput } from "./step-output";

export interface UsesOptions {
  inputs: Record<string, string>;
  env: Record<string, string>;
  envContext: Record<string, string>;
  output: StepOutput;
  timeoutMs: number | undefined;
  n: number;
  /** Filled with the main phase's saved state once the step ends; post phases read it. */
  state: Record<string, string>;
}

export async function runUses(
  job: JobScope,
  frame: StepFrame,
  def: StepDef,
  opts: UsesOptions,
): Promise<StepBodyResult> {
  const uses = def.uses ?? "";
  if (uses.startsWith("docker://")) {
    throw createError(
      "SLUICE_E_ACTION_NOT_FOUND",
      `${uses}: container actions need a container engine; Sluice runs steps on the host`,
    );
  }
  const workspace = job.run.identity.workspace;
  if (isLocalUses(uses)) {
    return runLocalAction(job, frame, def, path.resolve(workspace, uses), uses, opts);
  }
  // Loaded on first use: runs without `uses:` steps never load the built-in actions (semver and all).
  const { findBuiltinAction } = await import("../../actions/builtin/index");
  const builtin = findBuiltinAction(uses);
  if (builtin) return runBuiltin(job, def, builtin, opts);
  const vendored = vendoredActionDir(workspace, uses);
  if (vendored && existsSync(vendored)) return runLocalAction(job, frame, def, vendored, uses, opts);
  throw createError(
    "SLUICE_E_ACTION_NOT_FOUND",
    `action "${uses}" is not built into Sluice and is not vendored; ` +
      (vendored
        ? `copy it to ${path.relative(workspace, vendored)}/ to use it`
        : "use owner/repo@ref or a ./local path"),
  );
}

/**
 * The directory of the vendored action a `uses:` runs, or null when it runs something else (a
 * container, a local path, a built-in equivalent) or nothing (not vendored): runUses's order.
 */
export async function vendoredActionFor(workspace: string, uses: string): Promise<string | null> {
  if (uses.startsWith("docker://") || isLocalUses(uses)) return null;
  const dir = vendoredActionDir(workspace, uses);
  if (!dir || !existsSync(dir)) return null;
  const { findBuiltinAction } = await import("../../actions/builtin/index");
  return findBuiltinAction(uses) ? null : dir;
}

/** `owner/repo[/sub/dir]@ref` → <workspace>/.sluice/actions/owner/repo@ref[/sub/dir]; null when malformed. */
export function vendoredActionDir(workspace: string, uses: string): string | null {
  const m = /^([^/@\s]+)\/([^/@\s]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(uses);
  if (!m) return null;
  const [, owner, repo, sub, ref] = m;
  return path.join(workspace, ".sluice", "actions", owner!, `${repo}@${ref}`, sub ?? "");
}
