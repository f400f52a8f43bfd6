/**
 * Licence strings as packages declare them → one classified, canonical form. The SBOM writers and
 * the licence policy share it so a package reads the same in every output.
 *
 * What counts as SPDX is deliberately narrow: a string that parses as an SPDX expression after the
 * two corrections the SPDX specification itself sanctions — ids matched case-insensitively (spec
 * annex "License expressions"), and deprecated ids replaced by the id the licence list names. Free
 * text such as `Apache 2` or `BSD` is never silently turned into a licence: it stays unknown and
 * carries a hint, because an allow-list must not pass a package on a guess.
 */
import parse from "spdx-expression-parse";
import licenseIds from "spdx-license-ids/index.json";
import deprecatedIds from "spdx-license-ids/deprecated.json";
import { DEPRECATED_REPLACEMENTS, licenseHint } from "./aliases";

export type LicenseStatus =
  /** A valid SPDX expression (possibly after case and deprecated-id corrections). */
  | "spdx"
  /** `UNLICENSED`: npm's word for proprietary — no licence is granted (not the `Unlicense`). */
  | "unlicensed"
  /** `SEE LICENSE IN <file>`: a custom licence in a file of the package. */
  | "file"
  /** Text that is not an SPDX expression. */
  | "unknown"
  /** No licence information at all. */
  | "none";

export interface NormalizedLicense {
  status: LicenseStatus;
  /** The string as declared; absent when `status` is `none`. */
  raw?: string;
  /** Canonical SPDX expression; present exactly when `status` is `spdx`. */
  expression?: string;
  /** Each correction made on the way to `expression` (case, deprecated ids), for findings. */
  notes: string[];
  /** For `unknown`: the SPDX ids the text most likely means (empty when there is no good guess). */
  hint?: string[];
  /** For `file`: the file named by `SEE LICENSE IN`. */
  file?: string;
}

type Node = parse.Info;
type Leaf = parse.LicenseInfo;

const CANONICAL_IDS: ReadonlyMap<string, string> = new Map(
  [...licenseIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id] as const),
);
const OPERATORS = new Set(["AND", "OR", "WITH"]);

/** Classifies one declared licence string. Pure; never throws. */
export function normalizeLicense(raw: string | undefined | null): NormalizedLicense {
  const text = raw?.trim() ?? "";
  if (text === "" || text === "NOASSERTION") return { status: "none", notes: [] };
  if (/^UNLICEN[CS]ED$/i.test(text)) return { status: "unlicensed", raw: text, notes: [] };
  const seeFile = /^SEE LICEN[CS]E IN\s+(.+)$/i.exec(text);
  if (seeFile) return { status: "file", raw: text, file: seeFile[1]!.trim(), notes: [] };

  const spdx = parseSpdx(text);
  if (spdx) return { status: "spdx", raw: text, expression: spdx.expression, notes: spdx.notes };
  return { status: "unknown", raw: text, hint: hintFor(text), notes: [] };
}

/** Parses one SPDX expression and renders it canonically, or returns undefined when it is not one. */
export function parseSpdx(text: string): { expression: string; ast: Node; notes: string[] } | undefined {
  const notes: string[] = [];
  const fixed = text.replace(/[^\s()]+/g, (token) => fixCase(token, notes));
  let ast: Node;
  try {
    ast = parse(fixed);
  } catch {
    return undefined;
  }
  ast = upgradeDeprecated(ast, notes);
  return { expression: renderSpdx(ast), ast, notes };
}

/** Renders an expression tree with the fewest parentheses that keep its meaning (AND binds tighter). */
export function renderSpdx(node: Node, parent?: "and" | "or"): string {
  if (!("conjunction" in node)) {
    return `${node.license}${node.plus ? "+" : ""}${node.exception ? ` WITH ${node.exception}` : ""}`;
  }
  const inner = `${renderSpdx(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${renderSpdx(node.right, node.conjunction)}`;
  return parent === "and" && node.conjunction === "or" ? `(${inner})` : inner;
}

/** The leaves of an expression tree, left to right. */
export function spdxLeaves(node: Node): Leaf[] {
  return "conjunction" in node ? [...spdxLeaves(node.left), ...spdxLeaves(node.right)] : [node];
}

/**
 * Disjunctive normal form: the alternatives a licensee may pick from, each a set of licences that
 * must all be honoured. `(MIT OR ISC) AND BSD-3-Clause` → [[MIT, BSD-3-Clause], [ISC, BSD-3-Clause]].
 */
export function spdxChoices(node: Node): Leaf[][] {
  if (!("conjunction" in node)) return [[node]];
  const left = spdxChoices(node.left);
  const right = spdxChoices(node.right);
  if (node.conjunction === "or") return [...left, ...right];
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

function fixCase(token: string, notes: string[]): string {
  const upper = token.toUpperCase();
  if (OPERATORS.has(upper)) return upper;
  const plus = token.endsWith("+");
  const base = plus ? token.slice(0, -1) : token;
  const canonical = CANONICAL_IDS.get(base.toLowerCase());
  if (canonical === undefined || canonical === base) return token;
  notes.push(`"${base}" written as ${canonical} (SPDX ids match case-insensitively)`);
  return canonical + (plus ? "+" : "");
}

function upgradeDeprecated(node: Node, notes: string[]): Node {
  if ("conjunction" in node) {
    return {
      ...node,
      left: upgradeDeprecated(node.left, notes),
      right: upgradeDeprecated(node.right, notes),
    };
  }
  let replacement = DEPRECATED_REPLACEMENTS[node.license];
  if (replacement === undefined) {
    if ((deprecatedIds as string[]).includes(node.license)) {
      notes.push(`${node.license} is a deprecated SPDX id with no replacement`);
    }
    return node;
  }
  // `GPL-2.0+` meant "version 2 or any later": the modern id says so itself.
  if (node.plus && /-only(?= |$)/.test(replacement)) replacement = replacement.replace("-only", "-or-later");
  const parsed = parse(replacement) as Leaf;
  const upgraded: Leaf = { license: parsed.license };
  if (parsed.plus) upgraded.plus = true;
  const exception = parsed.exception ?? node.exception;
  if (exception !== undefined) upgraded.exception = exception;
  const before = renderSpdx(node);
  notes.push(`deprecated SPDX id ${before} read as ${renderSpdx(upgraded)}`);
  return upgraded;
}

/** Hints for free text; `MIT OR Apache 2` gets the hints of each part. */
function hintFor(text: string): string[] {
  const whole = licenseHint(text);
  if (whole.length > 0) return whole;
  const parts = text.split(/\s+(?:OR|AND)\s+|\s*,\s*|\s*;\s*/i).filter((p) => p !== "");
  if (parts.length < 2) return [];
  const hints = parts.flatMap((p) => (parseSpdx(p) ? [parseSpdx(p)!.expression] : licenseHint(p)));
  return [...new Set(hints)];
}
