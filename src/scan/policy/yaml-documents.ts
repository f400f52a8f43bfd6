/**
 * YAML (one or many `---` documents) into plain values plus a table of where every node was, so a
 * finding on a plain object can still point at the line of the field it is about.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml";
import type { Position } from "./types";

/** One well-formed document of a YAML stream. */
export interface YamlDocument {
  /** Zero-based position in the stream. */
  index: number;
  value: unknown;
  /** Positions keyed by path (see `LocationTable`); `""` is the document's root node. */
  locations: Map<string, Position>;
}

// A manifest never needs many aliases; more is an expansion attack ("billion laughs").
const MAX_ALIAS_COUNT = 100;
// Deeper than any real manifest; bounds the walk so hostile nesting cannot exhaust the stack.
const MAX_DEPTH = 200;

/**
 * Parses every document of `text`. Documents with syntax errors, or that expand aliases too far,
 * are left out and counted in `invalid`: a scanner reports what it can read and never throws.
 */
export function parseYamlDocuments(text: string): { documents: YamlDocument[]; invalid: number } {
  const lineCounter = new LineCounter();
  const documents: YamlDocument[] = [];
  let invalid = 0;
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch {
    return { documents, invalid: 1 };
  }
  if (!Array.isArray(parsed)) return { documents, invalid };
  parsed.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      invalid++;
      return;
    }
    try {
      const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
      const locations = new Map<string, Position>();
      const at = (offset: number | undefined): Position => {
        const p = lineCounter.linePos(offset ?? 0);
        return { line: p.line, column: p.col };
      };
      record(doc.contents, "", 0, locations, at);
      documents.push({ index, value, locations });
    } catch {
      invalid++;
    }
  });
  return { documents, invalid };
}

function record(
  node: unknown,
  path: string,
  depth: number,
  out: Map<string, Position>,
  at: (offset: number | undefined) => Position,
  keyOffset?: number,
): void {
  if (node === null || node === undefined || depth > MAX_DEPTH) return;
  const range = (node as { range?: [number, number, number] | null }).range;
  if (!out.has(path)) out.set(path, at(keyOffset ?? range?.[0]));
  // Aliased nodes are located at their anchor, which the table already holds under another path.
  if (isAlias(node) || isScalar(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keyRange = pair.key.range;
      record(pair.value, childPath(path, key), depth + 1, out, at, keyRange?.[0]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => record(item, `${path}[${i}]`, depth + 1, out, at));
  }
}

/** Appends a mapping key to a location path, quoting keys that are not plain identifiers. */
export function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}
