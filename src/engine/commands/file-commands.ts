/**
 * Parsers for the files a step writes to talk back to the engine: GITHUB_ENV, GITHUB_OUTPUT,
 * GITHUB_STATE (key/value) and GITHUB_PATH (one directory per line).
 *
 * Parsing is pure: an invalid file yields the entries before its first invalid line plus the runner's
 * message, so the consumer can apply those, report the error and fail the step the way GitHub does.
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
   * Entries in file order, up to the first invalid line. A name may repeat: the consumer applies
   * entries in order so the last one wins, which mirrors GitHub.
   */
  entries: KeyValueEntry[];
  /**
   * The runner's message for the first invalid line (e.g. `Invalid format '3.1.3'`), null when the
   * file is valid. Parsing stops there: the runner applies each entry as it reads it and throws at
   * the first invalid line, so what precedes it is applied and nothing after it is.
   */
  error: string | null;
}

/** Result of parsing GITHUB_ENV: {@link KeyValueParseResult} plus the entries GitHub refuses. */
export interface EnvParseResult extends KeyValueParseResult {
  /** One message per dropped {@link BLOCKED_ENV_NAMES} entry, GitHub's wording; these do not fail the step. */
  blocked: string[];
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
 * both LF and CRLF line endings are accepted. Invalid, with the runner's messages: a line with
 * neither `=` nor `<<`, an empty name, an empty delimiter, and a heredoc whose closing delimiter
 * never appears. (The runner lets `=value` through as a variable with an empty name; here it is
 * invalid too.)
 *
 * Pure and total: never throws.
 */
export function parseKeyValueFile(text: string): KeyValueParseResult {
  const lines = splitLines(text);
  const entries: KeyValueEntry[] = [];
  const invalid = (error: string): KeyValueParseResult => ({ entries, error });

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");

    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === "") return invalid(`Invalid format '${line}'. Name must not be empty`);
      entries.push({ name, value: line.slice(eq + 1) });
      continue;
    }
    if (heredoc < 0) return invalid(`Invalid format '${line}'`);

    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === "" || delimiter === "") {
      return invalid(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
    }
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0) return invalid(`Invalid value. Matching delimiter not found '${delimiter}'`);
    entries.push({ name, value: lines.slice(i + 1, end).join("\n") });
    i = end;
  }

  return { entries, error: null };
}

/**
 * Parses GITHUB_ENV content: {@link parseKeyValueFile} minus the names GitHub blocks
 * ({@link BLOCKED_ENV_NAMES}); each blocked entry is dropped and reported in `blocked` with GitHub's
 * wording (an error annotation on GitHub, which does not fail the step).
 */
export function parseEnvFile(text: string): EnvParseResult {
  const parsed = parseKeyValueFile(text);
  const isBlocked = new Set(BLOCKED_ENV_NAMES.map((n) => n.toUpperCase()));
  const entries: KeyValueEntry[] = [];
  const blocked: string[] = [];
  for (const entry of parsed.entries) {
    if (isBlocked.has(entry.name.toUpperCase())) {
      blocked.push(`Can't store ${entry.name} output parameter using '$GITHUB_ENV' command.`);
    } else {
      entries.push(entry);
    }
  }
  return { entries, error: parsed.error, blocked };
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
