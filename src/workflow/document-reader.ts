/**
 * GitHub's workflow parser, fed from a YAML document Sluice has already parsed. `parseWorkflow` of
 * @actions/workflow-parser parses the text itself, and Sluice must look at the document first
 * (yaml-guard.ts): for a 300-job workflow the second parse cost ≈ 70 ms and a third of a run's
 * allocations. This module hands the same document to the parser's template reader instead.
 *
 * `DocumentReader` yields the events of the parser's own `YamlObjectReader` (0.3.61), in the same
 * order with the same tokens, lazily (the template reader may stop early), without recursion.
 */
import type { Document, LineCounter, Range, Scalar } from "yaml";
import { isAlias, isCollection, isDocument, isMap, isPair, isScalar, isSeq } from "yaml";
import type { ObjectReader } from "@actions/workflow-parser/templates/object-reader";
import { readTemplate } from "@actions/workflow-parser/templates/template-reader";
import {
  TemplateContext,
  TemplateValidationErrors,
} from "@actions/workflow-parser/templates/template-context";
import {
  BooleanToken,
  MappingToken,
  NullToken,
  NumberToken,
  SequenceToken,
  StringToken,
} from "@actions/workflow-parser/templates/tokens/index";
import type { LiteralToken, TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { TokenRange } from "@actions/workflow-parser/templates/tokens/token-range";
import { NoOperationTraceWriter } from "@actions/workflow-parser/templates/trace-writer";
import { WORKFLOW_ROOT } from "@actions/workflow-parser/workflows/workflow-constants";
import { workflowSchema } from "./workflow-schema";

export interface ParsedWorkflowDocument {
  context: TemplateContext;
  value: TemplateToken | undefined;
}

/**
 * What `parseWorkflow` returns for the text `doc` was parsed from, when `doc` was parsed with
 * `{ lineCounter, keepSourceTokens: true, uniqueKeys: false }` as the parser parses it.
 */
export function parseWorkflowDocument(
  name: string,
  doc: Document.Parsed,
  lineCounter: LineCounter,
): ParsedWorkflowDocument {
  const context = new TemplateContext(
    new TemplateValidationErrors(),
    workflowSchema(),
    new NoOperationTraceWriter(),
  );
  const fileId = context.getFileId(name);
  if (doc.errors.length > 0) {
    // Not valid YAML: template errors would be misleading (the parser's own rule).
    for (const err of doc.errors) {
      // The parser passes the file id where the declaration says token; errors keep it as is.
      context.error(fileId as unknown as TemplateToken, err.message, rangeFromLinePos(err.linePos));
    }
    return { context, value: undefined };
  }
  const reader = new DocumentReader(fileId, doc, lineCounter);
  return { context, value: readTemplate(context, WORKFLOW_ROOT, reader, fileId) };
}

type ReadEvent =
  | { type: "literal"; token: LiteralToken }
  | { type: "sequence-start"; token: SequenceToken }
  | { type: "mapping-start"; token: MappingToken }
  | { type: "sequence-end" | "mapping-end" | "document-start" | "document-end" };

/** Work left to do: an event to hand out, or a node to turn into events (with the aliases above it). */
type Task = ReadEvent | { type: "visit"; node: unknown; aliases: Set<unknown> };

const SEQUENCE_END: ReadEvent = { type: "sequence-end" };
const MAPPING_END: ReadEvent = { type: "mapping-end" };

export class DocumentReader implements ObjectReader {
  private readonly tasks: Task[];
  private current: ReadEvent | undefined;
  private started = false;

  constructor(
    private readonly fileId: number | undefined,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {
    this.tasks = [{ type: "visit", node: doc, aliases: new Set() }];
  }

  allowLiteral(): LiteralToken | undefined {
    const event = this.current;
    if (event?.type !== "literal") return undefined;
    this.advance();
    return event.token;
  }

  allowSequenceStart(): SequenceToken | undefined {
    const event = this.current;
    if (event?.type !== "sequence-start") return undefined;
    this.advance();
    return event.token;
  }

  allowSequenceEnd(): boolean {
    return this.allow("sequence-end");
  }

  allowMappingStart(): MappingToken | undefined {
    const event = this.current;
    if (event?.type !== "mapping-start") return undefined;
    this.advance();
    return event.token;
  }

  allowMappingEnd(): boolean {
    return this.allow("mapping-end");
  }

  validateStart(): void {
    if (!this.started) {
      this.started = true;
      this.advance();
    }
    if (!this.allow("document-start")) throw new Error("Expected start of reader");
  }

  validateEnd(): void {
    if (!this.allow("document-end")) throw new Error("Expected end of reader");
  }

  private allow(type: ReadEvent["type"]): boolean {
    if (this.current?.type !== type) return false;
    this.advance();
    return true;
  }

  /** Moves to the next event, expanding nodes as `YamlObjectReader.getNodes` does. */
  private advance(): void {
    const tasks = this.tasks;
    for (;;) {
      const task = tasks.pop();
      if (task === undefined) {
        this.current = undefined;
        return;
      }
      if (task.type !== "visit") {
        this.current = task;
        return;
      }
      this.expand(task.node, task.aliases);
    }
  }

  /** Pushes a node's events (or the nodes that make them) in reverse, so they pop in order. */
  private expand(node: unknown, aliases: Set<unknown>): void {
    const tasks = this.tasks;
    if (isDocument(node)) {
      tasks.push({ type: "document-end" });
      tasks.push({ type: "visit", node: node.contents, aliases: new Set() });
      tasks.push({ type: "document-start" });
    } else if (isCollection(node)) {
      const range = this.range(node);
      const seq = isSeq(node);
      if (seq || isMap(node)) tasks.push(seq ? SEQUENCE_END : MAPPING_END);
      for (let i = node.items.length - 1; i >= 0; i--) {
        tasks.push({ type: "visit", node: node.items[i], aliases });
      }
      if (seq)
        tasks.push({ type: "sequence-start", token: new SequenceToken(this.fileId, range, undefined) });
      else if (isMap(node))
        tasks.push({ type: "mapping-start", token: new MappingToken(this.fileId, range, undefined) });
    } else if (isScalar(node)) {
      tasks.push({ type: "literal", token: literalToken(this.fileId, this.range(node), node) });
    } else if (isAlias(node)) {
      const resolved = node.resolve(this.doc);
      // An unresolved alias is a YAML error already; a circular one is dropped, as the parser does.
      if (resolved && !aliases.has(resolved)) {
        tasks.push({ type: "visit", node: resolved, aliases: new Set(aliases).add(resolved) });
      }
    } else if (isPair(node)) {
      const key = node.key as Scalar;
      tasks.push({ type: "visit", node: node.value, aliases });
      tasks.push({
        type: "literal",
        token: new StringToken(this.fileId, this.range(key), key.value as string, undefined),
      });
    }
  }

  private range(node: { range?: Range | null } | null | undefined): TokenRange | undefined {
    const range = node?.range;
    if (range?.[0] === undefined || range[1] === undefined) return undefined;
    const start = this.lineCounter.linePos(range[0]);
    const end = this.lineCounter.linePos(range[1]);
    return { start: { line: start.line, column: start.col }, end: { line: end.line, column: end.col } };
  }
}

/** `YamlObjectReader.getLiteralToken`: the token for a scalar, with a string's source text. */
function literalToken(fileId: number | undefined, range: TokenRange | undefined, node: Scalar): LiteralToken {
  const value = node.value;
  if (value === null || value === undefined) return new NullToken(fileId, range, undefined);
  switch (typeof value) {
    case "number":
      return new NumberToken(fileId, range, value, undefined);
    case "boolean":
      return new BooleanToken(fileId, range, value, undefined);
    case "string": {
      let source: string | undefined;
      let blockScalarHeader: string | undefined;
      const src = node.srcToken;
      if (src && "source" in src) {
        source = src.source;
        if (src.type === "block-scalar" && "props" in src) {
          const header = src.props.find((p) => p.type === "block-scalar-header");
          if (header && "source" in header && header.source) blockScalarHeader = header.source;
        }
      }
      return new StringToken(fileId, range, value, undefined, source, blockScalarHeader);
    }
    default:
      throw new Error(`Unexpected value type '${typeof value}' when reading object`);
  }
}

function rangeFromLinePos(
  linePos:
    | [{ line: number; col: number }]
    | [{ line: number; col: number }, { line: number; col: number }]
    | undefined,
): TokenRange | undefined {
  if (linePos === undefined) return undefined;
  const start = { line: linePos[0].line, column: linePos[0].col };
  const end = linePos.length === 2 ? { line: linePos[1].line, column: linePos[1].col } : start;
  return { start, end };
}
