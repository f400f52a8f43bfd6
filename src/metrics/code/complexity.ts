import ts from "typescript";
import { functionName, headPosition, lineOf } from "./function-names";

/**
 * McCabe cyclomatic complexity per function, counted exactly as ESLint's `complexity` rule counts it
 * (default "classic" variant) so that Sluice's figures agree with `eslint --rule complexity` to the unit:
 *
 *   1 + if, `?:`, `case` with a test (not `default`), for, for-in, for-of, while, do-while, catch,
 *   `&&`, `||`, `??`, `&&=`, `||=`, `??=`, each `?.` (optional member access or call), and each default
 *   value (parameter defaults and destructuring defaults: ESLint's AssignmentPattern).
 *
 * Optional chaining and defaults count because each is a branch a test has to take both ways, and because
 * ESLint counts them: a figure that disagrees with the linter people already run would only confuse.
 * Nested functions are measured on their own and add nothing to the function that contains them. Class
 * field initializers and static blocks are their own units too, as in ESLint; type-level constructs
 * (conditional types, optional properties) are not code and count nothing.
 */

export type FunctionKind =
  | "function"
  | "method"
  | "getter"
  | "setter"
  | "constructor"
  | "arrow"
  | "function-expression"
  | "field-initializer"
  | "static-block";

/** The complexity of one function (or other unit ESLint measures on its own). */
export interface FunctionComplexity {
  /** The file as given to `measureComplexity`. */
  file: string;
  /** `name`, `Class.method`, `object.method`, `Class.<static>`, or `<anonymous>@line`. */
  name: string;
  /** 1-based line of the function's head (its name; an arrow's `=>`), where ESLint reports it. */
  line: number;
  kind: FunctionKind;
  /** Cyclomatic complexity, at least 1. */
  complexity: number;
}

export interface ComplexityReport {
  /** Every measured unit, ordered by file (as given) then line. */
  functions: FunctionComplexity[];
  /** The highest complexity; 0 when no function was found. */
  max: number;
  /** Mean complexity over `functions`; 0 when there are none. */
  average: number;
  /** The functions whose complexity is strictly greater than `n` (ESLint's `max` semantics), worst first. */
  overThreshold(n: number): FunctionComplexity[];
}

/** File extensions measured; anything else is skipped. */
export const SCRIPT_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"] as const;

/** The TypeScript script kind for a path, or undefined when it is not JS/TS source Sluice measures. */
export function scriptKindOf(path: string): ts.ScriptKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith(".d.ts") || lower.endsWith(".d.mts") || lower.endsWith(".d.cts")) return undefined;
  if (lower.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (lower.endsWith(".jsx")) return ts.ScriptKind.JSX;
  if (lower.endsWith(".ts") || lower.endsWith(".mts") || lower.endsWith(".cts")) return ts.ScriptKind.TS;
  if (lower.endsWith(".js") || lower.endsWith(".mjs") || lower.endsWith(".cjs")) return ts.ScriptKind.JS;
  return undefined;
}

/** Measures every function of the given files; files that are not JS/TS source are skipped. Pure. */
export function measureComplexity(files: ReadonlyArray<{ path: string; text: string }>): ComplexityReport {
  const functions = files.flatMap((f) => measureFileComplexity(f.path, f.text));
  return summarizeComplexity(functions);
}

/** Builds the report (max, average, threshold query) from measured functions. */
export function summarizeComplexity(functions: FunctionComplexity[]): ComplexityReport {
  const total = functions.reduce((sum, f) => sum + f.complexity, 0);
  return {
    functions,
    max: functions.reduce((m, f) => Math.max(m, f.complexity), 0),
    average: functions.length === 0 ? 0 : total / functions.length,
    overThreshold: (n) =>
      functions.filter((f) => f.complexity > n).sort((a, b) => b.complexity - a.complexity),
  };
}

/** The functions of one file, in source order. A file with syntax errors is measured as far as it parses. */
export function measureFileComplexity(path: string, text: string): FunctionComplexity[] {
  const kind = scriptKindOf(path);
  if (kind === undefined) return [];
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const found: FunctionComplexity[] = [];
  const program = { count: 1 };
  ts.forEachChild(sf, (child) => visit(child, program, { sf, path, found }));
  return found.sort((a, b) => a.line - b.line);
}

interface Walk {
  sf: ts.SourceFile;
  path: string;
  found: FunctionComplexity[];
}

/** The running count of the code path being walked (a function, or the module, which is not reported). */
interface Counter {
  count: number;
}

function visit(node: ts.Node, counter: Counter, walk: Walk): void {
  if (isTypeOnly(node)) return;
  const kind = unitKind(node);
  if (kind !== undefined) {
    measureUnit(node, kind, counter, walk);
    return;
  }
  counter.count += increment(node);
  ts.forEachChild(node, (child) => visit(child, counter, walk));
}

/** Measures a function-like unit in its own counter; its name, decorators and modifiers stay outside. */
function measureUnit(node: ts.Node, kind: FunctionKind, outer: Counter, walk: Walk): void {
  const unit = { count: 1 };
  const named = node as ts.Node & { name?: ts.Node };
  ts.forEachChild(node, (child) => {
    const inOuterScope = child === named.name || ts.isModifier(child) || ts.isDecorator(child);
    visit(child, inOuterScope ? outer : unit, walk);
  });
  // A field without a branching initializer is not something a reader thinks of as a function.
  if (kind === "field-initializer" && unit.count === 1) return;
  const line = lineOf(headPosition(node, walk.sf), walk.sf);
  walk.found.push({
    file: walk.path,
    name: functionName(node, walk.sf, line),
    line,
    kind,
    complexity: unit.count,
  });
}

/** Which kind of unit a node starts, or undefined when it belongs to the enclosing one. */
function unitKind(node: ts.Node): FunctionKind | undefined {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
      return (node as ts.FunctionDeclaration).body ? "function" : undefined;
    case ts.SyntaxKind.MethodDeclaration:
      return (node as ts.MethodDeclaration).body ? "method" : undefined;
    case ts.SyntaxKind.Constructor:
      return (node as ts.ConstructorDeclaration).body ? "constructor" : undefined;
    case ts.SyntaxKind.GetAccessor:
      return (node as ts.GetAccessorDeclaration).body ? "getter" : undefined;
    case ts.SyntaxKind.SetAccessor:
      return (node as ts.SetAccessorDeclaration).body ? "setter" : undefined;
    case ts.SyntaxKind.ArrowFunction:
      return "arrow";
    case ts.SyntaxKind.FunctionExpression:
      return "function-expression";
    case ts.SyntaxKind.ClassStaticBlockDeclaration:
      return "static-block";
    case ts.SyntaxKind.PropertyDeclaration:
      return (node as ts.PropertyDeclaration).initializer && ts.isClassLike(node.parent)
        ? "field-initializer"
        : undefined;
    default:
      return undefined;
  }
}

const LOGICAL_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** What one node adds to the complexity of the unit it belongs to. */
function increment(node: ts.Node): number {
  switch (node.kind) {
    case ts.SyntaxKind.IfStatement:
    case ts.SyntaxKind.ConditionalExpression:
    case ts.SyntaxKind.CaseClause:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.CatchClause:
      return 1 + loopPatternDefaults(node);
    case ts.SyntaxKind.BinaryExpression:
      return binaryIncrement(node as ts.BinaryExpression);
    case ts.SyntaxKind.PropertyAccessExpression:
    case ts.SyntaxKind.ElementAccessExpression:
    case ts.SyntaxKind.CallExpression:
      return (node as ts.PropertyAccessExpression).questionDotToken ? 1 : 0;
    case ts.SyntaxKind.Parameter:
    case ts.SyntaxKind.BindingElement:
      return (node as ts.ParameterDeclaration).initializer ? 1 : 0;
    case ts.SyntaxKind.ShorthandPropertyAssignment:
      // `({ a = 1 } = o)`: only valid as an assignment target, where it is a default value.
      return (node as ts.ShorthandPropertyAssignment).objectAssignmentInitializer ? 1 : 0;
    default:
      return 0;
  }
}

function binaryIncrement(node: ts.BinaryExpression): number {
  const op = node.operatorToken.kind;
  if (LOGICAL_OPERATORS.has(op)) return 1;
  // `[a = 1] = xs` and `({ k: v = 1 } = o)`: defaults inside an assignment pattern, counted once at the
  // outermost assignment (nested `=` inside the pattern are its elements, not assignments of their own).
  if (op === ts.SyntaxKind.EqualsToken && isLiteralPattern(node.left) && !isInsidePattern(node)) {
    return patternDefaults(node.left);
  }
  return 0;
}

/** `for ([a = 1] of xs)`: the loop head is an assignment pattern. */
function loopPatternDefaults(node: ts.Node): number {
  if (!ts.isForOfStatement(node) && !ts.isForInStatement(node)) return 0;
  return isLiteralPattern(node.initializer) ? patternDefaults(node.initializer) : 0;
}

function isLiteralPattern(node: ts.Node): node is ts.ArrayLiteralExpression | ts.ObjectLiteralExpression {
  return ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node);
}

/** Defaults (`target = value`) in an array/object literal used as an assignment target, at any depth. */
function patternDefaults(pattern: ts.Expression): number {
  const target = (el: ts.Expression): number =>
    ts.isBinaryExpression(el) && el.operatorToken.kind === ts.SyntaxKind.EqualsToken
      ? 1 + patternDefaults(el.left)
      : patternDefaults(el);
  if (ts.isArrayLiteralExpression(pattern)) {
    return pattern.elements.reduce(
      (n, el) => n + (ts.isSpreadElement(el) ? patternDefaults(el.expression) : target(el)),
      0,
    );
  }
  if (ts.isObjectLiteralExpression(pattern)) {
    return pattern.properties.reduce((n, p) => {
      if (ts.isPropertyAssignment(p)) return n + target(p.initializer);
      if (ts.isSpreadAssignment(p)) return n + patternDefaults(p.expression);
      return n; // shorthand defaults are counted where they are visited
    }, 0);
  }
  return 0;
}

/** Whether an assignment is an element of an enclosing assignment pattern rather than an expression. */
function isInsidePattern(node: ts.Node): boolean {
  let child: ts.Node = node;
  let parent = node.parent;
  while (
    parent !== undefined &&
    (ts.isArrayLiteralExpression(parent) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isSpreadElement(parent) ||
      ts.isSpreadAssignment(parent) ||
      ts.isParenthesizedExpression(parent))
  ) {
    child = parent;
    parent = parent.parent;
  }
  if (parent === undefined || child === node) return false;
  if (ts.isBinaryExpression(parent)) {
    return parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === child;
  }
  return (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === child;
}

/** Declarations and type annotations: no code runs there, and walking them would only cost time. */
function isTypeOnly(node: ts.Node): boolean {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return true;
  // `extends Base<T>` holds a real expression (`extends (cond ? A : B)`), so it is walked.
  return ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node);
}
