/**
 * What @actions/workflow-parser does not check, checked in one linear pass over the YAML document
 * before it runs: it expands aliases without bound (a few lines of nested aliases keep it busy for
 * hours), silently drops aliases whose anchor does not exist, and fails with a TypeError and no
 * location on mapping keys that YAML reads as numbers, booleans or null, and on `!!binary` values.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Alias, Document, Node } from "yaml";
import type { ErrorCode, Problem } from "../core/errors";

/** Nodes after alias expansion. Real workflows have a few thousand; 100k parse in well under a second. */
export const MAX_EXPANDED_NODES = 100_000;

/** A workflow's YAML document, parsed once with the options @actions/workflow-parser uses. */
export interface WorkflowYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export function parseWorkflowYaml(content: string): WorkflowYaml {
  const lineCounter = new LineCounter();
  // keepSourceTokens: the parser keeps each string's source text; uniqueKeys: its template reader
  // reports duplicate keys itself.
  const doc = parseDocument(content, { lineCounter, keepSourceTokens: true, uniqueKeys: false });
  return { doc, lineCounter };
}

export function checkYamlShape({ doc, lineCounter }: WorkflowYaml, file: string): Problem[] {
  // Syntax errors are the parser's to report, with its own messages.
  if (doc.errors.length > 0) return [];
  if (doc.contents === null) {
    return [
      {
        code: "SLUICE_E_WORKFLOW_SCHEMA",
        message: "the workflow is empty",
        location: { file, line: 1, column: 1 },
      },
    ];
  }
  const problems: Problem[] = [];
  const report = (node: unknown, code: ErrorCode, message: string) => {
    const range = (node as { range?: [number, number, number] | null }).range;
    const pos = lineCounter.linePos(range?.[0] ?? 0);
    problems.push({ code, message, location: { file, line: pos.line, column: pos.col } });
  };
  // Expanded size per collection, memoized: linear in the source however far aliases would expand.
  const sizes = new Map<Node, number>();
  let lastAlias: Alias | null = null;
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      lastAlias = node;
      const target = node.resolve(doc);
      if (!target) {
        report(node, "SLUICE_E_YAML", `alias *${node.source} refers to no anchor before it`);
        return 1;
      }
      return size(target);
    }
    if (isScalar(node)) {
      const type = typeof node.value;
      if (node.value !== null && type !== "string" && type !== "number" && type !== "boolean") {
        report(node, "SLUICE_E_YAML", `values tagged ${node.tag ?? type} are not supported in workflows`);
      }
      return 1;
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // while counting: an alias cycle counts once (the parser drops it)
    let n = 1;
    for (const item of node.items) {
      if (isPair(item)) {
        const key = item.key;
        if (!isScalar(key) || typeof key.value !== "string") {
          const text = isScalar(key) ? String(key.source ?? key.value) : "a collection";
          report(key, "SLUICE_E_WORKFLOW_SCHEMA", `mapping key ${text} is not a string; quote it`);
        }
        n += size(item.key) + size(item.value);
      } else {
        n += size(item);
      }
      if (n > MAX_EXPANDED_NODES) {
        // Without aliases the size is the file's own; only expansion can make it explode.
        if (lastAlias && !problems.some((p) => p.message.startsWith("aliases expand"))) {
          report(lastAlias, "SLUICE_E_YAML", `aliases expand to more than ${MAX_EXPANDED_NODES} nodes`);
        }
        break;
      }
    }
    sizes.set(node, n);
    return n;
  };
  try {
    size(doc.contents);
  } catch (err) {
    // Nesting deep enough to exhaust the stack: the parser reports that itself.
    if (!(err instanceof RangeError)) throw err;
    return [];
  }
  return problems;
}
