/**
 * Staged and history scans: what git diffs add, scanned fragment by fragment as git streams them.
 * In history, one secret committed once and carried through later commits is one finding, reported
 * at the commit that introduced it (the first one seen, since history is read oldest first).
 */
import type { ScanFinding } from "../types";
import type { Detector } from "./engine/compile";
import { detectSecrets } from "./engine/detect";
import { toFindings } from "./engine/findings";
import { historyFragments, stagedFragments } from "./sources/git-diffs";
import type { DiffFragment } from "./sources/diff-parser";
import { emptyStats } from "./sources/read-file";
import type { FileStats } from "./sources/read-file";

/** Scan the added lines of staged changes or of history. */
export async function scanFragments(
  root: string,
  d: Detector,
  mode: "staged" | "history",
  maxFileBytes: number,
  revisions: readonly string[] | undefined,
): Promise<{ findings: ScanFinding[]; stats: FileStats; threads: number; extra: Record<string, number> }> {
  const stats = emptyStats();
  const byIdentity = new Map<string, ScanFinding>();
  const onFragment = (fragment: DiffFragment) => {
    if (fragment.text.length > maxFileBytes) {
      stats.skippedLarge++;
      return;
    }
    stats.files++;
    stats.bytes += fragment.text.length;
    const result = detectSecrets(d, fragment.text, fragment.file, fragment.commit);
    if (result.detections.length === 0) return;
    for (const finding of toFindings(d, fragment.text, result, fragment)) {
      // The fingerprint without its commit prefix names the secret in that file across commits.
      const identity = fragment.commit
        ? finding.fingerprint.slice(fragment.commit.length + 1)
        : finding.fingerprint;
      if (!byIdentity.has(identity)) byIdentity.set(identity, finding);
    }
  };
  let extra: Record<string, number> = {};
  if (mode === "staged") await stagedFragments(root, onFragment);
  else {
    const commits = await historyFragments(
      root,
      revisions && revisions.length > 0 ? revisions : ["--all"],
      onFragment,
    );
    extra = { commits };
  }
  return { findings: [...byIdentity.values()], stats, threads: 1, extra };
}
