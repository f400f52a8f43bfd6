/**
 * The registry of built-in actions: `uses:` values Sluice runs itself instead of fetching the action.
 */
import type { BuiltinAction } from "../types";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "./cache";
import { checkoutAction } from "./checkout";
import { downloadArtifactAction } from "./download-artifact";
import { setupNodeAction } from "./setup-node";
import { setupPythonAction } from "./setup-python";
import { sluiceDeployAction } from "./sluice-deploy";
import { sluiceGateAction } from "./sluice-gate";
import { sluiceScanAction } from "./sluice-scan";
import { uploadArtifactAction } from "./upload-artifact";

/** Built-in actions keyed by `owner/repo[/path]` in lower case. */
export const builtinActions: Map<string, BuiltinAction> = new Map(
  [
    checkoutAction,
    setupNodeAction,
    setupPythonAction,
    sluiceGateAction,
    sluiceScanAction,
    sluiceDeployAction,
    cacheAction,
    cacheRestoreAction,
    cacheSaveAction,
    uploadArtifactAction,
    downloadArtifactAction,
  ].map((action) => [action.name, action]),
);

/** The parts of a remote `uses:` value. */
export interface RemoteActionRef {
  /** `owner/repo` in lower case (GitHub treats both case-insensitively). */
  repository: string;
  /** The sub-directory of the action inside the repository, '' for the root. */
  path: string;
  ref: string;
}

/**
 * Parses `owner/repo[/path]@ref`. Returns undefined for anything else: local (`./x`) and
 * `docker://` actions, or a value missing its owner, repository or ref.
 */
export function parseRemoteUses(uses: string): RemoteActionRef | undefined {
  const value = uses.trim();
  if (value.startsWith("./") || value.startsWith("docker://")) return undefined;
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return undefined;
  const [owner, repo, ...rest] = value.slice(0, at).split("/");
  if (!owner || !repo) return undefined;
  const path = rest.filter((s) => s !== "").join("/");
  return { repository: `${owner}/${repo}`.toLowerCase(), path, ref: value.slice(at + 1) };
}

/**
 * The built-in action a `uses:` value names, whatever its ref (`@v4`, `@main`, a SHA), or undefined
 * when Sluice has none (the caller then looks for a vendored copy).
 */
export function findBuiltinAction(uses: string): BuiltinAction | undefined {
  const parsed = parseRemoteUses(uses);
  if (parsed === undefined) return undefined;
  const name = parsed.path === "" ? parsed.repository : `${parsed.repository}/${parsed.path.toLowerCase()}`;
  return builtinActions.get(name);
}
