/**
 * Unified diffs (`git diff --cached -U0`, `git log -p -U0`) → the lines each file gained, with their
 * line numbers in the new file. Only added lines matter: a secret is introduced where it is added.
 * Pure: lines in, fragments out, so it is tested on diff text without a repository.
 */

/** What one file gained in one diff (one commit, in history mode). */
export interface DiffFragment {
  file: string;
  commit?: string;
  /** History: the commit's author (`Name <email>`) and author date (ISO 8601), when the header has them. */
  author?: string;
  date?: string;
  /** The added lines joined with `\n`. */
  text: string;
  /** The new-file line number of each line of `text`. */
  lineNumbers: number[];
}

/**
 * Marks a commit header line in `git log --format=` output (NUL cannot occur in diff lines):
 * `\0commit <sha>`, optionally followed by `\0<author date>\0<author>`.
 */
export const COMMIT_MARKER = "\0commit ";

/** Feed diff lines in order; fragments come out through `emit` as each file's diff ends. */
export class DiffParser {
  private commit: string | undefined;
  private author: string | undefined;
  private date: string | undefined;
  private file: string | undefined;
  private lines: string[] = [];
  private numbers: number[] = [];
  private next = 0;
  private inHunk = false;
  /** Commit headers seen (history mode), including commits that added nothing. */
  commits = 0;

  constructor(private readonly emit: (fragment: DiffFragment) => void) {}

  push(line: string): void {
    if (line.startsWith(COMMIT_MARKER)) {
      this.flush();
      this.commits++;
      const [sha, date, author] = line.slice(COMMIT_MARKER.length).split("\0");
      this.commit = sha!.trim();
      this.date = date || undefined;
      this.author = author || undefined;
      this.file = undefined;
      return;
    }
    if (line.startsWith("diff --git ")) {
      this.flush();
      this.file = undefined;
      this.inHunk = false;
      return;
    }
    if (!this.inHunk && line.startsWith("+++ ")) {
      const target = line.slice(4).replace(/\t$/, "");
      this.file = target === "/dev/null" ? undefined : stripPrefix(unquote(target));
      return;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      this.inHunk = true;
      this.next = Number(hunk[1]);
      return;
    }
    if (!this.inHunk || this.file === undefined) return;
    if (line.startsWith("+")) {
      this.lines.push(line.slice(1));
      this.numbers.push(this.next++);
    } else if (line.startsWith(" ")) {
      this.next++;
    }
  }

  /** Emit the pending fragment (call once more at the end of input). */
  flush(): void {
    if (this.file !== undefined && this.lines.length > 0) {
      const fragment: DiffFragment = {
        file: this.file,
        text: this.lines.join("\n"),
        lineNumbers: this.numbers,
      };
      if (this.commit) fragment.commit = this.commit;
      if (this.author) fragment.author = this.author;
      if (this.date) fragment.date = this.date;
      this.emit(fragment);
    }
    this.lines = [];
    this.numbers = [];
  }
}

function stripPrefix(p: string): string {
  return p.startsWith("b/") ? p.slice(2) : p;
}

const C_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  '"': '"',
  "\\": "\\",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

/** git quotes unusual paths C-style, with octal escapes for the bytes of non-ASCII characters. */
export function unquote(p: string): string {
  if (!(p.startsWith('"') && p.endsWith('"') && p.length >= 2)) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const oct = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += 3;
    } else {
      const e = body[i + 1] ?? "";
      bytes.push(...Buffer.from(C_ESCAPES[e] ?? e, "utf8"));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
