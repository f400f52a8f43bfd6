import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createError } from "../../core/errors";

/** Repository-relative POSIX path → 1-based line numbers added or modified on the new side. */
export type ChangedLines = Map<string, Set<number>>;

export interface ChangedLinesOptions {
  /**
   * Also count what is not committed yet: staged and unstaged edits to tracked files, and untracked
   * (not ignored) files whole. Line numbers are then those of the work tree, which is what a coverage
   * run on the work tree reports. Default false: `<base>...HEAD`, in HEAD's line numbers.
   */
  uncommitted?: boolean;
}

function git(repoRoot: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 512 * 1024 * 1024,
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw createError("SLUICE_E_PREREQUISITE", `git ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`, {
      cause: err,
    });
  }
}

/**
 * The lines that are new code since `base`, SonarQube's "new code" by reference branch: what the
 * change adds on top of the merge base with `base` (`git diff <base>...HEAD`), so commits that landed
 * on `base` meanwhile are not counted. Deleted lines are not new code. Throws `SLUICE_E_PREREQUISITE`
 * when git fails (not a repository, unknown base).
 */
export function changedLines(
  repoRoot: string,
  base: string,
  options: ChangedLinesOptions = {},
): ChangedLines {
  // Color, external diff drivers and pager settings of the user's config must not reach the parser;
  // core.quotePath=false keeps non-ASCII names readable (only quotes, tabs and newlines get quoted).
  const diff = ["-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff"];
  if (!options.uncommitted) return parseUnifiedDiff(git(repoRoot, [...diff, `${base}...HEAD`, "--"]));
  // The merge base against the work tree: committed and uncommitted changes in work-tree line numbers.
  const mergeBase = git(repoRoot, ["merge-base", base, "HEAD"]).trim();
  const changed = parseUnifiedDiff(git(repoRoot, [...diff, mergeBase, "--"]));
  const untracked = git(repoRoot, ["ls-files", "-z", "--others", "--exclude-standard"]).split("\0");
  for (const file of untracked) {
    if (file === "") continue;
    const lines = countLines(path.join(repoRoot, file));
    if (lines > 0) changed.set(file, new Set(Array.from({ length: lines }, (_, i) => i + 1)));
  }
  return changed;
}

function countLines(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return 0; // a socket, a broken link: nothing a coverage report could instrument
  }
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/**
 * Added lines per file from `git diff --unified=0` output. With no context lines every line of a
 * hunk's new side (`+c,d`: d lines from c; d omitted means 1; d = 0 is a pure deletion) is an added
 * line. Deleted files (`+++ /dev/null`) and binary files contribute nothing. Pure.
 */
export function parseUnifiedDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const file = newSidePath(line.slice(4));
      current = undefined;
      if (file !== undefined) {
        current = changed.get(file) ?? new Set();
        changed.set(file, current);
      }
      continue;
    }
    const hunk = current && HUNK.exec(line);
    if (!hunk || !current) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    for (let n = start; n < start + count; n++) current.add(n);
  }
  for (const [file, lines] of changed) if (lines.size === 0) changed.delete(file);
  return changed;
}

/** `b/src/x.ts` → `src/x.ts`; a C-quoted name is unquoted; `/dev/null` (deletion) → undefined. */
function newSidePath(raw: string): string | undefined {
  let name = raw.replace(/\t.*$/, "");
  if (name.startsWith('"')) name = unquoteC(name);
  if (name === "/dev/null") return undefined;
  return name.startsWith("b/") ? name.slice(2) : name;
}

/** Undoes git's C-style quoting: `\"`, `\\`, `\t`, `\n` and octal bytes (UTF-8 sequences). */
function unquoteC(quoted: string): string {
  const body = quoted.slice(1, quoted.lastIndexOf('"'));
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
