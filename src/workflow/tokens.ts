/** Small readers over @actions/workflow-parser template tokens. */
import { isMapping, isString, isSequence, isLiteral } from "@actions/workflow-parser";
import type { MappingToken, TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { SourceLocation } from "../core/errors";

/** The mapping's entries keyed by their literal key; expression keys are skipped. */
export function mappingEntries(token: TemplateToken | undefined): Map<string, TemplateToken> {
  const out = new Map<string, TemplateToken>();
  if (!token || !isMapping(token)) return out;
  for (const pair of token as MappingToken) {
    if (isString(pair.key)) out.set(pair.key.value, pair.value);
  }
  return out;
}

/** A literal scalar as a string, or undefined for expressions and collections. */
export function literalString(token: TemplateToken | undefined): string | undefined {
  if (!token || !isLiteral(token)) return undefined;
  return isString(token) ? token.value : String(token.toJSON());
}

export function stringList(token: TemplateToken | undefined): string[] {
  if (!token) return [];
  if (isSequence(token)) {
    const out: string[] = [];
    for (let i = 0; i < token.count; i++) {
      const s = literalString(token.get(i));
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  const s = literalString(token);
  return s === undefined ? [] : [s];
}

export function tokenLocation(file: string, token: TemplateToken | undefined): SourceLocation {
  const start = token?.range?.start;
  return start ? { file, line: start.line, column: start.column } : { file };
}
