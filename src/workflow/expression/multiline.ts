/**
 * Works around @actions/workflow-parser (0.3.x) for multi-line strings holding `${{ }}`: it builds
 * their `format(...)` expression from the raw YAML source instead of the scalar's value, so a
 * `run: |` script would keep the YAML indentation (breaking heredocs and Python) and a folded `>`
 * string would not fold. Here the value is recovered by parsing the source as YAML again and split
 * into literal text and the expressions the parser validated, which are evaluated as GitHub does
 * (each result coerced to a string).
 */
import type { BasicExpressionToken } from "@actions/workflow-parser/templates/tokens/basic-expression-token";
import { parse } from "yaml";

export interface MultilineTemplate {
  /** Literal text around the expressions: always `expressions.length + 1` entries. */
  literals: string[];
  expressions: string[];
}

const cache = new WeakMap<BasicExpressionToken, string>();

/**
 * The expression to evaluate for `token`: for a multi-line string with expressions, a `format()`
 * built from the string's real value; otherwise the token's own expression.
 */
export function expressionOf(token: BasicExpressionToken): string {
  let expression = cache.get(token);
  if (expression === undefined) {
    const template = multilineTemplate(token);
    expression = template ? toFormat(template) : token.expression;
    cache.set(token, expression);
  }
  return expression;
}

/** `format('<literals with {0}…>', e0, …)`, escaped as the workflow parser does. */
function toFormat(t: MultilineTemplate): string {
  const escape = (s: string) => s.replace(/'/g, "''").replace(/\{/g, "{{").replace(/\}/g, "}}");
  const format = t.literals.map((lit, i) => (i === 0 ? "" : `{${i - 1}}`) + escape(lit)).join("");
  return `format('${format}'${t.expressions.map((e) => `, ${e}`).join("")})`;
}

function multilineTemplate(token: BasicExpressionToken): MultilineTemplate | null {
  const originals = token.originalExpressions;
  const source = token.source;
  if (!originals || originals.length === 0 || !source || !source.includes("\n")) return null;
  // An explicit indentation indicator (`|2`) is relative to the parent's indentation, unknown here.
  if (token.blockScalarHeader && /\d/.test(token.blockScalarHeader)) return null;
  let value: unknown;
  try {
    value = parse(token.blockScalarHeader ? `${token.blockScalarHeader}\n${source}` : source);
  } catch {
    return null;
  }
  if (typeof value !== "string") return null;
  const split = splitTemplate(value);
  // Only trust the re-parse when it finds exactly the expressions the workflow parser found.
  if (!split || split.expressions.length !== originals.length) return null;
  return { literals: split.literals, expressions: originals.map((e) => e.expression) };
}

/** Splits text at `${{ … }}` (a `}}` inside a single-quoted string does not close), like the parser. */
export function splitTemplate(text: string): MultilineTemplate | null {
  const literals: string[] = [];
  const expressions: string[] = [];
  let rest = 0;
  for (let start = text.indexOf("${{"); start >= 0; start = text.indexOf("${{", rest)) {
    let inString = false;
    let end = -1;
    for (let i = start + 3; i < text.length; i++) {
      if (text[i] === "'") inString = !inString;
      else if (!inString && text[i] === "}" && text[i - 1] === "}") {
        end = i;
        break;
      }
    }
    if (end < 0) return null;
    literals.push(text.slice(rest, start));
    expressions.push(text.slice(start + 3, end - 1).trim());
    rest = end + 1;
  }
  literals.push(text.slice(rest));
  return { literals, expressions };
}
