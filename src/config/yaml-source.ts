/**
 * Parsing YAML while keeping positions, so that every problem found later (in the YAML itself or in
 * the values it holds) can be reported at a file:line:column.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Node, ParsedNode } from "yaml";
import type { Problem, SourceLocation } from "../core/errors";

/** A parsed YAML document and what is needed to turn offsets into locations. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

// Aliases can expand exponentially ("billion laughs"); a configuration file never needs many.
const MAX_ALIAS_COUNT = 100;

/** Parses `text`; YAML syntax problems come back as data (SLUICE_E_YAML), never thrown. */
export function parseYamlSource(
  text: string,
  file: string,
): { source: YamlSource; value: unknown; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const source: YamlSource = { file, doc, lineCounter };
  const problems: Problem[] = doc.errors.map((err) => ({
    code: "SLUICE_E_YAML",
    message: err.message,
    location: locationAt(source, err.pos[0]),
  }));
  problems.push(...unresolvedAliases(source));
  if (problems.length > 0) return { source, value: undefined, problems };
  try {
    return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems };
  } catch (err) {
    // toJS throws for alias abuse; point at the document start, as no single node is to blame.
    const message = err instanceof Error ? err.message : String(err);
    const location = locationAt(source, documentStart(source));
    return { source, value: undefined, problems: [{ code: "SLUICE_E_YAML", message, location }] };
  }
}

// The yaml package reports an alias to an undefined anchor only when converting to JS, without a
// position; finding them first gives each one a location.
function unresolvedAliases(source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  visit(source.doc, {
    Alias(_, node) {
      if (node.resolve(source.doc) === undefined) {
        problems.push({
          code: "SLUICE_E_YAML",
          message: `alias *${node.source} refers to no anchor defined before it`,
          location: locationAt(source, node.range?.[0] ?? 0),
        });
      }
    },
  });
  return problems;
}

/** The one-based location of a character offset. */
export function locationAt(source: YamlSource, offset: number): SourceLocation {
  const { line, col } = source.lineCounter.linePos(Math.max(0, offset));
  return { file: source.file, line, column: col };
}

/**
 * The location that best explains a problem at `path` (a zod issue path): the value when it exists,
 * its key when the value is empty or `atKey` is set, or else the nearest ancestor's key (a missing
 * key is reported where its parent is written).
 */
export function locatePath(source: YamlSource, path: readonly PropertyKey[], atKey = false): SourceLocation {
  let node: unknown = source.doc.contents;
  let lastKey: Node | null = null;
  let complete = true;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    const found = child(node, segment);
    if (!found) {
      complete = false;
      break;
    }
    node = found.value;
    lastKey = found.key ?? lastKey;
  }
  const value = isAlias(node) ? undefined : node;
  const useKey = atKey || !complete || !hasSource(value) || isEmptyScalar(value);
  const target = useKey && lastKey ? lastKey : value;
  const offset = hasSource(target) ? target.range[0] : undefined;
  return locationAt(source, offset ?? documentStart(source));
}

function documentStart(source: YamlSource): number {
  const contents = source.doc.contents;
  return hasSource(contents) ? contents.range[0] : 0;
}

function child(node: unknown, segment: PropertyKey): { key: Node | null; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(segment))
        return { key: isScalar(pair.key) ? pair.key : null, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: null, value: item };
  }
  return undefined;
}

function hasSource(node: unknown): node is ParsedNode {
  return typeof node === "object" && node !== null && "range" in node && Array.isArray(node.range);
}

// `key:` with nothing after it parses as a null scalar positioned at the end of the line, which
// reads badly in an error; the key is the better place.
function isEmptyScalar(node: ParsedNode): boolean {
  return isScalar(node) && node.value === null && node.source === "";
}
