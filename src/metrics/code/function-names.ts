import ts from "typescript";

/**
 * Readable names for measured functions: `name` for declarations and variables, `Class.member` for class
 * members, `object.member` for methods of an object literal bound to a name, `<anonymous>@line` otherwise.
 */

/** The text of a property or declaration name: identifiers, `#private`, literals, `[computed]`. */
export function nameText(name: ts.Node | undefined, sf: ts.SourceFile): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText(sf)}]`;
  return undefined;
}

function className(cls: ts.ClassLikeDeclaration, sf: ts.SourceFile): string {
  const own = nameText(cls.name, sf);
  if (own !== undefined) return own;
  // `const Foo = class { … }` names the class after its binding, as the runtime's Function.name does.
  const bound = bindingName(cls, sf);
  return bound ?? `<class>@${lineOf(cls.getStart(sf), sf)}`;
}

/** The name an expression is bound to: `const x = …`, `x.y = …`, `{ key: … }`, `class { field = … }`. */
function bindingName(expr: ts.Node, sf: ts.SourceFile): string | undefined {
  const parent = expr.parent;
  if (parent === undefined) return undefined;
  if (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) {
    return bindingName(parent, sf);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) return nameText(parent.name, sf);
  if (ts.isPropertyAssignment(parent) && parent.initializer === expr) return memberName(parent, sf);
  if (ts.isPropertyDeclaration(parent) && parent.initializer === expr) return memberName(parent, sf);
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === expr &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    (ts.isIdentifier(parent.left) || ts.isPropertyAccessExpression(parent.left))
  ) {
    return parent.left.getText(sf);
  }
  if (ts.isExportAssignment(parent)) return "default";
  return undefined;
}

/** `Owner.member` for a member of a class or of an object literal bound to a name; the bare name otherwise. */
function memberName(member: ts.Node & { name?: ts.Node }, sf: ts.SourceFile): string | undefined {
  const own = ts.isConstructorDeclaration(member) ? "constructor" : nameText(member.name, sf);
  const owner = member.parent;
  if (own === undefined || owner === undefined) return own;
  if (ts.isClassLike(owner)) return `${className(owner, sf)}.${own}`;
  if (ts.isObjectLiteralExpression(owner)) {
    const objectName = bindingName(owner, sf);
    return objectName === undefined ? own : `${objectName}.${own}`;
  }
  return own;
}

/** 1-based line of a position. */
export function lineOf(pos: number, sf: ts.SourceFile): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/**
 * Where a function's head is, as ESLint reports it so that lines agree with `eslint --rule complexity`:
 * an arrow at its `=>`, a named member or function at its name, anything else at its first token.
 */
export function headPosition(node: ts.Node, sf: ts.SourceFile): number {
  if (ts.isArrowFunction(node)) return node.equalsGreaterThanToken.getStart(sf);
  if (ts.isConstructorDeclaration(node)) {
    const afterModifiers = node.modifiers?.end ?? node.getStart(sf);
    const keyword = sf.text.indexOf("constructor", afterModifiers);
    return keyword >= 0 ? keyword : node.getStart(sf);
  }
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name !== undefined && !ts.isClassStaticBlockDeclaration(node)) return named.name.getStart(sf);
  return node.getStart(sf);
}

/** The display name of a function-like node or class field initializer; `line` is its head line. */
export function functionName(node: ts.Node, sf: ts.SourceFile, line: number): string {
  const anonymous = `<anonymous>@${line}`;
  if (ts.isClassStaticBlockDeclaration(node)) {
    return ts.isClassLike(node.parent) ? `${className(node.parent, sf)}.<static>` : "<static>";
  }
  if (
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isPropertyDeclaration(node)
  ) {
    return memberName(node, sf) ?? anonymous;
  }
  if (ts.isFunctionDeclaration(node)) {
    const isDefault = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    return nameText(node.name, sf) ?? (isDefault ? "default" : anonymous);
  }
  if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) {
    return bindingName(node, sf) ?? nameText(node.name, sf) ?? anonymous;
  }
  return anonymous;
}
