/**
 * Parsers for the files a step writes to talk back to the engine: GITHUB_ENV, GITHUB_OUTPUT,
 * GITHUB_STATE (key/value) and GITHUB_PATH (one directory per line).
 *
 * Parsing is pure: problems are returned as data so the consumer can report them and fail the step,
 * the way GitHub's runner does, without losing the entries that did parse.
 */

/** One `NAME=value` (or heredoc) entry, in file order. */
export interface KeyValueEntry {
  /** Name as written (not trimmed, case preserved). Never empty. */
  name: string;
  /** Value; multiline values are joined with "\n" and carry no trailing newline. */
  value: string;
}

/** Result of parsing a key/value command file. */
export interface KeyValueParseResult {
  /**
   * Entries in file order. A name may repeat: the consumer applies entries in order so the last one
   * wins, which mirrors GitHub.
   */
  entries: KeyValueEntry[];
  /** Human-readable problems, each prefixed with the 1-based line number. Empty when the file is valid. */
  problems: string[];
}

/**
 * Names GitHub refuses to accept through GITHUB_ENV (runner ≥ 2.309.0), compared case-insensitively:
 * NODE_OPTIONS set by one step could inject code into every later JavaScript action of the job.
 */
export const BLOCKED_ENV_NAMES: readonly string[] = ["NODE_OPTIONS"];

/**
 * Splits on "\n" and drops one trailing "\r" per line, so files written on Windows or by tools that
 * emit CRLF parse the same as LF files. A final newline does not produce an extra empty line.
 */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/**
 * Parses GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE content.
 *
 * Accepted forms, per GitHub's workflow-command documentation:
 * - `NAME=value` — the value is everything after the first `=` (it may contain `=` and `<<`);
 * - `NAME<<DELIMITER`, then value lines, then a line exactly equal to `DELIMITER`.
 *
 * Whichever of `=` and `<<` comes first on the line decides the form. Empty lines are ignored and
 * both LF and CRLF line endings are accepted. Reported as problems (the offending line is skipped):
 * an empty name, an empty delimiter, a line with neither `=` nor `<<`, and a heredoc whose closing
 * delimiter never appears (everything after its opening line is then consumed, as GitHub does).
 *
 * Pure and total: never throws.
 */
export function parseKeyValueFile(text: string): KeyValueParseResult {
  const lines = splitLines(text);
  const entries: KeyValueEntry[] = [];
  const problems: string[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const lineNo = i + 1;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");

    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === "") {
        problems.push(`line ${lineNo}: invalid format '${line}': name must not be empty`);
        continue;
      }
      entries.push({ name, value: line.slice(eq + 1) });
      continue;
    }

    if (heredoc < 0) {
      problems.push(`line ${lineNo}: invalid format '${line}': expected NAME=value or NAME<<DELIMITER`);
      continue;
    }

    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === "" || delimiter === "") {
      problems.push(`line ${lineNo}: invalid format '${line}': name and delimiter must not be empty`);
      continue;
    }
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0) {
      problems.push(`line ${lineNo}: matching delimiter '${delimiter}' not found for '${name}'`);
      break;
    }
    entries.push({ name, value: lines.slice(i + 1, end).join("\n") });
    i = end;
  }

  return { entries, problems };
}

/**
 * Parses GITHUB_ENV content: {@link parseKeyValueFile} minus the names GitHub blocks
 * ({@link BLOCKED_ENV_NAMES}); each blocked entry is dropped and reported as a problem with
 * GitHub's wording, so the consumer can surface it as an error annotation.
 */
export function parseEnvFile(text: string): KeyValueParseResult {
  const parsed = parseKeyValueFile(text);
  const blocked = new Set(BLOCKED_ENV_NAMES.map((n) => n.toUpperCase()));
  const entries: KeyValueEntry[] = [];
  const problems = [...parsed.problems];
  for (const entry of parsed.entries) {
    if (blocked.has(entry.name.toUpperCase())) {
      problems.push(`Can't store ${entry.name} output parameter using '$GITHUB_ENV' command.`);
    } else {
      entries.push(entry);
    }
  }
  return { entries, problems };
}

/**
 * Parses GITHUB_PATH content: one directory per line, trimmed, empty lines ignored; file order is kept.
 *
 * Contract for the consumer: prepend the directories one by one in the returned order, so the last
 * one added ends up first on PATH (GitHub's behaviour). E.g. `["/a", "/b"]` yields `/b:/a:$PATH`.
 * A directory added again moves to the front rather than appearing twice.
 */
export function parsePathFile(text: string): string[] {
  return splitLines(text)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
