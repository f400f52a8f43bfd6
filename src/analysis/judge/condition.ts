/**
 * Threshold conditions: `errorRate < 0.05`, `latency.p95 <= 500ms`,
 * `canary.errorRate <= baseline.errorRate * 1.5 + 0.1%`. A comparison of two arithmetic expressions
 * over metric paths and numbers, parsed here (not CEL) so a result can say "0.08 > 0.05" — both
 * sides' values — rather than just "false".
 *
 * Paths: `[canary.|baseline.]<metric>[.<stat>]`; a bare metric means the canary. Stats: `value` (the
 * default), `count`, `events`, `rate` (events / count), `mean`, `min`, `max`, `median`, `pNN`
 * (a quantile of the samples or histogram). Units: `5%` is 0.05, `2s` is 2000 (latencies are ms),
 * `ms` is 1.
 */
import { STAT_PATTERN } from "./measurement-stats";

// Statistics live in measurement-stats.ts, shared with CEL conditions; re-exported for callers of this module.
export { statOf } from "./measurement-stats";

export type Comparator = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** A metric reference: which version, which metric, which statistic of it. */
export interface MetricRef {
  version: "canary" | "baseline";
  metric: string;
  stat: string;
  /** As written, for messages. */
  text: string;
}

export type Node =
  | { kind: "number"; value: number }
  | { kind: "ref"; ref: MetricRef }
  | { kind: "neg"; arg: Node }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Node; right: Node };

export interface Condition {
  text: string;
  left: Node;
  op: Comparator;
  right: Node;
  refs: MetricRef[];
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(%|ms|s)?|([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|(<=|>=|==|!=|<|>|[-+*/()]))/y;

/** Parses a condition; returns the reason instead when it is malformed. */
export function parseCondition(text: string): Condition | { error: string } {
  const tokens: Array<{ num?: number; path?: string; op?: string; at: number }> = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length && text.slice(pos).trim() !== "") {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) return { error: `unexpected "${text.slice(pos).trim().slice(0, 12)}" at column ${pos + 1}` };
    const at = m.index + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined) {
      const unit = m[2] === "%" ? 0.01 : m[2] === "s" ? 1000 : 1;
      tokens.push({ num: Number(m[1]) * unit, at });
    } else if (m[3] !== undefined) tokens.push({ path: m[3], at });
    else tokens.push({ op: m[4]!, at });
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const refs: MetricRef[] = [];
  const fail = (what: string): never => {
    throw new SyntaxError(
      i < tokens.length ? `${what} at column ${tokens[i]!.at + 1}` : `${what} at the end`,
    );
  };
  const expr = (): Node => {
    let left = term();
    while (tokens[i]?.op === "+" || tokens[i]?.op === "-") {
      const op = tokens[i++]!.op as "+" | "-";
      left = { kind: "binary", op, left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (tokens[i]?.op === "*" || tokens[i]?.op === "/") {
      const op = tokens[i++]!.op as "*" | "/";
      left = { kind: "binary", op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    const t = tokens[i];
    if (!t) return fail("expected a number or a metric");
    if (t.op === "-") {
      i++;
      return { kind: "neg", arg: unary() };
    }
    if (t.op === "(") {
      i++;
      const inner = expr();
      if (tokens[i]?.op !== ")") fail('expected ")"');
      i++;
      return inner;
    }
    i++;
    if (t.num !== undefined) return { kind: "number", value: t.num };
    if (t.path !== undefined) {
      const ref = toRef(t.path);
      if ("error" in ref) return fail(ref.error);
      refs.push(ref);
      return { kind: "ref", ref };
    }
    i--;
    return fail(`unexpected "${t.op}"`);
  };
  try {
    const left = expr();
    const op = tokens[i]?.op;
    if (!op || !["<", "<=", ">", ">=", "==", "!="].includes(op))
      fail("expected a comparison (<, <=, >, >=, ==, !=)");
    i++;
    const right = expr();
    if (i < tokens.length) fail("unexpected text after the condition");
    return { text: text.trim(), left, op: op as Comparator, right, refs };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function toRef(path: string): MetricRef | { error: string } {
  const parts = path.split(".");
  let version: MetricRef["version"] = "canary";
  if (parts[0] === "canary" || parts[0] === "baseline") version = parts.shift() as MetricRef["version"];
  if (parts.length === 0) return { error: `"${path}" names no metric` };
  if (parts.length > 2)
    return { error: `"${path}" has too many parts; expected [canary.|baseline.]metric[.stat]` };
  const stat = parts[1] ?? "value";
  if (!STAT_PATTERN.test(stat)) return { error: `unknown statistic "${stat}" in "${path}"` };
  if (stat === "p0") return { error: `"${path}": use min for the 0th percentile` };
  return { version, metric: parts[0]!, stat, text: path };
}

/** Evaluates an expression node given each reference's value. */
export function evaluateNode(node: Node, valueOf: (ref: MetricRef) => number): number {
  switch (node.kind) {
    case "number":
      return node.value;
    case "ref":
      return valueOf(node.ref);
    case "neg":
      return -evaluateNode(node.arg, valueOf);
    case "binary": {
      const a = evaluateNode(node.left, valueOf);
      const b = evaluateNode(node.right, valueOf);
      if (node.op === "+") return a + b;
      if (node.op === "-") return a - b;
      if (node.op === "*") return a * b;
      return a / b;
    }
  }
}

export function compare(a: number, op: Comparator, b: number): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}
