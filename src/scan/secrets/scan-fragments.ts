/**
 * Staged and history scans: what git diffs add, scanned fragment by fragment as git streams them.
 * In history, one secret committed once and carried through later commits is one finding, reported
 * at the commit that introduced it (the first one seen, since history is read oldest first).
 */
import { attachedSecrets } from "../secret-mask";
import type { ScanFinding } from "../types";
import type { Detector } from "./engine/compile";
import { detectSecrets } from "./engine/detect";
import { toFindings } from "./engine/findings";
import { historyFragments, stagedFragments } from "./sources/git-diffs";
import type { DiffFragment } from "./sources/diff-parser";
import { emptyStats, noteLarge } from "./sources/read-file";
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
      const where = fragment.commit ? `${fragment.file} in ${fragment.commit.slice(0, 7)}` : fragment.file;
      noteLarge(stats, { file: where, bytes: Buffer.byteLength(fragment.text) });
      return;
    }
    stats.files++;
    stats.bytes += fragment.text.length;
    const result = detectSecrets(d, fragment.text, fragment.file, fragment.commit);
    if (result.detections.length === 0) return;
    for (const finding of toFindings(d, fragment.text, result, fragment)) {
      // History: a value found by a rule in a file is one finding across commits, whatever its line
      // looks like in each; the value itself is the key (in memory only: fingerprints hold none of
      // it). Staged changes are one diff: every finding counts, as in a tree scan.
      const identity = fragment.commit
        ? [finding.file, finding.ruleId, ...attachedSecrets(finding)].join("\0")
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
