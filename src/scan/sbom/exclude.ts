/**
 * `scan.exclude` for `sluice scan sbom`, read without the configuration module: loading it (zod's
 * schema, and the CEL compilers when sluice.yml holds gate rules) costs about as much as the SBOM
 * of a small project, and even the `yaml` library takes 35–60 ms to load. So the usual shapes of
 * the key — a flow list (`exclude: ["a/**", b]`) or a block list of plain or quoted globs under a
 * top-level `scan:` — are read line by line here; anything else (anchors, flow mappings, escapes…)
 * goes to the full, validating loader, which also gives a malformed file the same located error as
 * every other command.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

// config/schema.ts's CONFIG_FILE_NAME; importing it would load zod, which this module exists to avoid.
const CONFIG_FILE = "sluice.yml";

export async function readScanExclude(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path.join(root, CONFIG_FILE), "utf8");
  } catch {
    return [];
  }
  if (!/\bexclude\b/.test(text)) return [];
  const quick = quickExclude(text);
  if (quick !== undefined) return quick;
  const { loadConfig } = await import("../../config/index");
  return (await loadConfig(root)).config.scan.exclude;
}

/**
 * The globs of `scan.exclude` in the shapes described above ([] when `scan` has no `exclude`), or
 * undefined when the text is anything this reader does not fully understand.
 */
export function quickExclude(text: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => /^\t/.test(l) || /^(---|\.\.\.|%)/.test(l))) return undefined;
  const scan = lines.findIndex((l) => /^scan\s*:/.test(l));
  if (scan < 0) return [];
  if (!/^scan\s*:\s*(#.*)?$/.test(lines[scan]!)) return undefined; // `scan: {…}` and the like
  // The block: following lines that are indented, blank or comments.
  let end = scan + 1;
  while (end < lines.length && /^(\s|$|#)/.test(lines[end]!)) end++;
  const block = lines.slice(scan + 1, end);
  const indent = Math.min(...block.filter(isContent).map(indentOf));
  const at = block.findIndex((l) => indentOf(l) === indent && /^\s*exclude\s*:/.test(l));
  if (at < 0) return [];
  const value = stripComment(block[at]!.replace(/^\s*exclude\s*:/, ""));
  if (value === undefined) return undefined;
  if (value !== "") return flowList(value);
  const items: string[] = [];
  for (const line of block.slice(at + 1)) {
    if (!isContent(line)) continue;
    if (indentOf(line) < indent || (indentOf(line) === indent && !/^\s*- /.test(line))) break;
    const item = /^\s*- (.*)$/.exec(line);
    const scalar = item ? stripComment(item[1]!) : undefined;
    const glob = scalar === undefined ? undefined : readScalar(scalar);
    if (glob === undefined) return undefined;
    items.push(glob);
  }
  return items.length > 0 ? items : undefined;
}

function isContent(line: string): boolean {
  return !/^\s*(#.*)?$/.test(line);
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** The text without a trailing ` # comment`, trimmed; undefined when quotes make it unclear. */
function stripComment(text: string): string | undefined {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i).trim();
  }
  return quote === "" ? text.trim() : undefined;
}

/** `[a, "b", 'c']` on one line. */
function flowList(text: string): string[] | undefined {
  if (!text.startsWith("[") || !text.endsWith("]")) return undefined;
  const items: string[] = [];
  const token = /\s*("[^"\\]*"|'(?:[^']|'')*'|[^,"']*?)\s*(,|$)/y;
  const inner = text.slice(1, -1);
  if (inner.trim() === "") return [];
  for (token.lastIndex = 0; token.lastIndex < inner.length;) {
    const m = token.exec(inner);
    const glob = m === null ? undefined : readScalar(m[1]!);
    if (glob === undefined) return undefined;
    items.push(glob);
    if (m![2] === "") break;
  }
  return items;
}

/** A double-quoted (without escapes), single-quoted or plain scalar; undefined for anything else. */
function readScalar(text: string): string | undefined {
  if (/^"[^"\\]*"$/.test(text)) return text.slice(1, -1) || undefined;
  if (/^'(?:[^']|'')*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'") || undefined;
  // Plain: a first character that is no indicator (`*` is an alias: `*.js` must be quoted in YAML),
  // no flow indicators, no `: ` or ` #`; not a number, bool or null, which are not strings.
  if (!/^[A-Za-z0-9_./][^[\]{},]*$/.test(text) || /: |\s#|:$/.test(text)) return undefined;
  if (/^(null|true|false|yes|no|on|off|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?)$/i.test(text)) return undefined;
  return text;
}
