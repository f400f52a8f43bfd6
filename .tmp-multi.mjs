// ../../tmp/cm/multi.ts
import { readFileSync } from "node:fs";
import { glob as glob2 } from "tinyglobby";

// src/metrics/code/complexity.ts
import ts2 from "typescript";

// src/metrics/code/function-names.ts
import ts from "typescript";
function nameText(name, sf) {
  if (name === void 0) return void 0;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText(sf)}]`;
  return void 0;
}
function className(cls, sf) {
  const own = nameText(cls.name, sf);
  if (own !== void 0) return own;
  const bound = bindingName(cls, sf);
  return bound ?? `<class>@${lineOf(cls.getStart(sf), sf)}`;
}
function bindingName(expr, sf) {
  const parent = expr.parent;
  if (parent === void 0) return void 0;
  if (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) {
    return bindingName(parent, sf);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) return nameText(parent.name, sf);
  if (ts.isPropertyAssignment(parent) && parent.initializer === expr) return memberName(parent, sf);
  if (ts.isPropertyDeclaration(parent) && parent.initializer === expr) return memberName(parent, sf);
  if (ts.isBinaryExpression(parent) && parent.right === expr && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && (ts.isIdentifier(parent.left) || ts.isPropertyAccessExpression(parent.left))) {
    return parent.left.getText(sf);
  }
  if (ts.isExportAssignment(parent)) return "default";
  return void 0;
}
function memberName(member, sf) {
  const own = ts.isConstructorDeclaration(member) ? "constructor" : nameText(member.name, sf);
  const owner = member.parent;
  if (own === void 0 || owner === void 0) return own;
  if (ts.isClassLike(owner)) return `${className(owner, sf)}.${own}`;
  if (ts.isObjectLiteralExpression(owner)) {
    const objectName = bindingName(owner, sf);
    return objectName === void 0 ? own : `${objectName}.${own}`;
  }
  return own;
}
function lineOf(pos, sf) {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}
function headPosition(node, sf) {
  if (ts.isArrowFunction(node)) return node.equalsGreaterThanToken.getStart(sf);
  if (ts.isConstructorDeclaration(node)) {
    const afterModifiers = node.modifiers?.end ?? node.getStart(sf);
    const keyword = sf.text.indexOf("constructor", afterModifiers);
    return keyword >= 0 ? keyword : node.getStart(sf);
  }
  const named = node;
  if (named.name !== void 0 && !ts.isClassStaticBlockDeclaration(node)) return named.name.getStart(sf);
  return node.getStart(sf);
}
function functionName(node, sf, line) {
  const anonymous = `<anonymous>@${line}`;
  if (ts.isClassStaticBlockDeclaration(node)) {
    return ts.isClassLike(node.parent) ? `${className(node.parent, sf)}.<static>` : "<static>";
  }
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isPropertyDeclaration(node)) {
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

// src/metrics/code/complexity.ts
function scriptKindOf(path) {
  const lower = path.toLowerCase();
  if (lower.endsWith(".d.ts") || lower.endsWith(".d.mts") || lower.endsWith(".d.cts")) return void 0;
  if (lower.endsWith(".tsx")) return ts2.ScriptKind.TSX;
  if (lower.endsWith(".jsx")) return ts2.ScriptKind.JSX;
  if (lower.endsWith(".ts") || lower.endsWith(".mts") || lower.endsWith(".cts")) return ts2.ScriptKind.TS;
  if (lower.endsWith(".js") || lower.endsWith(".mjs") || lower.endsWith(".cjs")) return ts2.ScriptKind.JS;
  return void 0;
}
function measureComplexity(files2) {
  const functions = files2.flatMap((f) => measureFileComplexity(f.path, f.text));
  return summarizeComplexity(functions);
}
function summarizeComplexity(functions) {
  const total = functions.reduce((sum, f) => sum + f.complexity, 0);
  return {
    functions,
    max: functions.reduce((m, f) => Math.max(m, f.complexity), 0),
    average: functions.length === 0 ? 0 : total / functions.length,
    overThreshold: (n) => functions.filter((f) => f.complexity > n).sort((a, b) => b.complexity - a.complexity)
  };
}
function measureFileComplexity(path, text) {
  const kind = scriptKindOf(path);
  if (kind === void 0) return [];
  const sf = ts2.createSourceFile(path, text, ts2.ScriptTarget.Latest, true, kind);
  const found = [];
  const program = { count: 1 };
  ts2.forEachChild(sf, (child) => visit(child, program, { sf, path, found }));
  return found.sort((a, b) => a.line - b.line);
}
function visit(node, counter, walk) {
  if (isTypeOnly(node)) return;
  const kind = unitKind(node);
  if (kind !== void 0) {
    measureUnit(node, kind, counter, walk);
    return;
  }
  counter.count += increment(node);
  ts2.forEachChild(node, (child) => visit(child, counter, walk));
}
function measureUnit(node, kind, outer, walk) {
  const unit = { count: 1 };
  const named = node;
  ts2.forEachChild(node, (child) => {
    const inOuterScope = child === named.name || ts2.isModifier(child) || ts2.isDecorator(child);
    visit(child, inOuterScope ? outer : unit, walk);
  });
  if (kind === "field-initializer" && unit.count === 1) return;
  const line = lineOf(headPosition(node, walk.sf), walk.sf);
  walk.found.push({
    file: walk.path,
    name: functionName(node, walk.sf, line),
    line,
    kind,
    complexity: unit.count
  });
}
function unitKind(node) {
  switch (node.kind) {
    case ts2.SyntaxKind.FunctionDeclaration:
      return node.body ? "function" : void 0;
    case ts2.SyntaxKind.MethodDeclaration:
      return node.body ? "method" : void 0;
    case ts2.SyntaxKind.Constructor:
      return node.body ? "constructor" : void 0;
    case ts2.SyntaxKind.GetAccessor:
      return node.body ? "getter" : void 0;
    case ts2.SyntaxKind.SetAccessor:
      return node.body ? "setter" : void 0;
    case ts2.SyntaxKind.ArrowFunction:
      return "arrow";
    case ts2.SyntaxKind.FunctionExpression:
      return "function-expression";
    case ts2.SyntaxKind.ClassStaticBlockDeclaration:
      return "static-block";
    case ts2.SyntaxKind.PropertyDeclaration:
      return node.initializer && ts2.isClassLike(node.parent) ? "field-initializer" : void 0;
    default:
      return void 0;
  }
}
var LOGICAL_OPERATORS = /* @__PURE__ */ new Set([
  ts2.SyntaxKind.AmpersandAmpersandToken,
  ts2.SyntaxKind.BarBarToken,
  ts2.SyntaxKind.QuestionQuestionToken,
  ts2.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts2.SyntaxKind.BarBarEqualsToken,
  ts2.SyntaxKind.QuestionQuestionEqualsToken
]);
function increment(node) {
  switch (node.kind) {
    case ts2.SyntaxKind.IfStatement:
    case ts2.SyntaxKind.ConditionalExpression:
    case ts2.SyntaxKind.CaseClause:
    case ts2.SyntaxKind.ForStatement:
    case ts2.SyntaxKind.ForInStatement:
    case ts2.SyntaxKind.ForOfStatement:
    case ts2.SyntaxKind.WhileStatement:
    case ts2.SyntaxKind.DoStatement:
    case ts2.SyntaxKind.CatchClause:
      return 1 + loopPatternDefaults(node);
    case ts2.SyntaxKind.BinaryExpression:
      return binaryIncrement(node);
    case ts2.SyntaxKind.PropertyAccessExpression:
    case ts2.SyntaxKind.ElementAccessExpression:
    case ts2.SyntaxKind.CallExpression:
      return node.questionDotToken ? 1 : 0;
    case ts2.SyntaxKind.Parameter:
    case ts2.SyntaxKind.BindingElement:
      return node.initializer ? 1 : 0;
    case ts2.SyntaxKind.ShorthandPropertyAssignment:
      return node.objectAssignmentInitializer ? 1 : 0;
    default:
      return 0;
  }
}
function binaryIncrement(node) {
  const op = node.operatorToken.kind;
  if (LOGICAL_OPERATORS.has(op)) return 1;
  if (op === ts2.SyntaxKind.EqualsToken && isLiteralPattern(node.left) && !isInsidePattern(node)) {
    return patternDefaults(node.left);
  }
  return 0;
}
function loopPatternDefaults(node) {
  if (!ts2.isForOfStatement(node) && !ts2.isForInStatement(node)) return 0;
  return isLiteralPattern(node.initializer) ? patternDefaults(node.initializer) : 0;
}
function isLiteralPattern(node) {
  return ts2.isArrayLiteralExpression(node) || ts2.isObjectLiteralExpression(node);
}
function patternDefaults(pattern) {
  const target = (el) => ts2.isBinaryExpression(el) && el.operatorToken.kind === ts2.SyntaxKind.EqualsToken ? 1 + patternDefaults(el.left) : patternDefaults(el);
  if (ts2.isArrayLiteralExpression(pattern)) {
    return pattern.elements.reduce(
      (n, el) => n + (ts2.isSpreadElement(el) ? patternDefaults(el.expression) : target(el)),
      0
    );
  }
  if (ts2.isObjectLiteralExpression(pattern)) {
    return pattern.properties.reduce((n, p) => {
      if (ts2.isPropertyAssignment(p)) return n + target(p.initializer);
      if (ts2.isSpreadAssignment(p)) return n + patternDefaults(p.expression);
      return n;
    }, 0);
  }
  return 0;
}
function isInsidePattern(node) {
  let child = node;
  let parent = node.parent;
  while (parent !== void 0 && (ts2.isArrayLiteralExpression(parent) || ts2.isObjectLiteralExpression(parent) || ts2.isPropertyAssignment(parent) || ts2.isSpreadElement(parent) || ts2.isSpreadAssignment(parent) || ts2.isParenthesizedExpression(parent))) {
    child = parent;
    parent = parent.parent;
  }
  if (parent === void 0 || child === node) return false;
  if (ts2.isBinaryExpression(parent)) {
    return parent.operatorToken.kind === ts2.SyntaxKind.EqualsToken && parent.left === child;
  }
  return (ts2.isForOfStatement(parent) || ts2.isForInStatement(parent)) && parent.initializer === child;
}
function isTypeOnly(node) {
  if (ts2.isInterfaceDeclaration(node) || ts2.isTypeAliasDeclaration(node)) return true;
  return ts2.isTypeNode(node) && !ts2.isExpressionWithTypeArguments(node);
}

// src/metrics/code/tokenize.ts
import ts3 from "typescript";
var TokenTable = class {
  texts = /* @__PURE__ */ new Map();
  // SyntaxKind values stay below this, so interned texts never collide with a kind.
  next = 1e4;
  idOf(text) {
    let id = this.texts.get(text);
    if (id === void 0) {
      id = this.next++;
      this.texts.set(text, id);
    }
    return id;
  }
};
var K = ts3.SyntaxKind;
var LITERAL_ID = 9e3;
var IDENTIFIER_ID = 9001;
var ENDS_EXPRESSION = /* @__PURE__ */ new Set([
  K.Identifier,
  K.PrivateIdentifier,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.StringLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateTail,
  K.RegularExpressionLiteral,
  K.CloseParenToken,
  K.CloseBracketToken,
  K.CloseBraceToken,
  K.PlusPlusToken,
  K.MinusMinusToken,
  K.ThisKeyword,
  K.SuperKeyword,
  K.NullKeyword,
  K.TrueKeyword,
  K.FalseKeyword
]);
function endsExpression(kind, beforeIt) {
  if (ENDS_EXPRESSION.has(kind)) return true;
  if (beforeIt === K.DotToken || beforeIt === K.QuestionDotToken)
    return kind >= K.FirstKeyword && kind <= K.LastKeyword;
  return kind > K.LastFutureReservedWord && kind <= K.LastKeyword && kind !== K.OfKeyword;
}
var LITERAL_KINDS = /* @__PURE__ */ new Set([
  K.StringLiteral,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.RegularExpressionLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateHead,
  K.TemplateMiddle,
  K.TemplateTail
]);
var TokenBuffer = class {
  length = 0;
  ids = new Int32Array(1024);
  startLines = new Int32Array(1024);
  endLines = new Int32Array(1024);
  push(id, startLine, endLine) {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length] = id;
    this.startLines[this.length] = startLine;
    this.endLines[this.length] = endLine;
    this.length++;
  }
  grow() {
    const size = this.ids.length * 2;
    const copy = (a) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.ids = copy(this.ids);
    this.startLines = copy(this.startLines);
    this.endLines = copy(this.endLines);
  }
  stream() {
    return {
      ids: this.ids.subarray(0, this.length),
      startLines: this.startLines.subarray(0, this.length),
      endLines: this.endLines.subarray(0, this.length)
    };
  }
};
var LineCounter = class {
  constructor(text) {
    this.text = text;
  }
  text;
  pos = 0;
  line = 1;
  at(target) {
    const text = this.text;
    for (let i = this.pos; i < target; i++) if (text.charCodeAt(i) === 10) this.line++;
    this.pos = target;
    return this.line;
  }
};
function tokenize(text, table, options = {}) {
  const ignoreLiterals = options.ignoreLiterals ?? true;
  const ignoreIdentifiers = options.ignoreIdentifiers ?? false;
  const scanner = ts3.createScanner(ts3.ScriptTarget.Latest, true, ts3.LanguageVariant.Standard, text);
  const out = new TokenBuffer();
  const lines = new LineCounter(text);
  const braces = [];
  let previous = K.Unknown;
  let beforePrevious = K.Unknown;
  let skip = "none";
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    kind = rescan(kind, scanner, braces, previous, beforePrevious);
    const prior = previous;
    beforePrevious = previous;
    previous = kind;
    const { next, drop } = skipImports(skip, kind, prior, scanner);
    skip = next;
    if (drop) continue;
    const startLine = lines.at(scanner.getTokenStart());
    const endLine = lines.at(scanner.getTokenEnd());
    out.push(tokenId(kind, scanner, table, ignoreLiterals, ignoreIdentifiers), startLine, endLine);
  }
  return out.stream();
}
function skipImports(skip, kind, prior, scanner) {
  if (skip === "import-end")
    return kind === K.SemicolonToken ? { next: "none", drop: true } : skipImports("none", kind, prior, scanner);
  if (skip === "none") {
    if (kind !== K.ImportKeyword || !startsImportDeclaration(scanner, prior))
      return { next: "none", drop: false };
  }
  if (kind === K.EqualsToken) return { next: "none", drop: false };
  const ends = kind === K.StringLiteral && (prior === K.FromKeyword || prior === K.ImportKeyword);
  return { next: ends ? "import-end" : "import", drop: true };
}
function rescan(kind, scanner, braces, previous, beforePrevious) {
  switch (kind) {
    case K.TemplateHead:
      braces.push(true);
      return kind;
    case K.OpenBraceToken:
      braces.push(false);
      return kind;
    case K.CloseBraceToken: {
      if (braces.pop() !== true) return kind;
      const resumed = scanner.reScanTemplateToken(false);
      if (resumed === K.TemplateMiddle) braces.push(true);
      return resumed;
    }
    case K.SlashToken:
    case K.SlashEqualsToken:
      return endsExpression(previous, beforePrevious) ? kind : scanner.reScanSlashToken();
    default:
      return kind;
  }
}
function startsImportDeclaration(scanner, previous) {
  const atStatementStart = previous === K.Unknown || previous === K.SemicolonToken || previous === K.CloseBraceToken || previous === K.StringLiteral || scanner.hasPrecedingLineBreak();
  if (!atStatementStart) return false;
  const next = scanner.lookAhead(() => scanner.scan());
  return next !== K.OpenParenToken && next !== K.DotToken;
}
function tokenId(kind, scanner, table, ignoreLiterals, ignoreIdentifiers) {
  if (kind === K.Identifier || kind === K.PrivateIdentifier) {
    return ignoreIdentifiers ? IDENTIFIER_ID : table.idOf(scanner.getTokenValue());
  }
  if (LITERAL_KINDS.has(kind)) {
    if (ignoreLiterals)
      return kind === K.TemplateHead || kind === K.TemplateMiddle || kind === K.TemplateTail ? kind : LITERAL_ID;
    return table.idOf(`${kind}:${scanner.getTokenText()}`);
  }
  return kind;
}

// src/metrics/code/duplication.ts
var DEFAULT_MIN_TOKENS = 50;
var BASE = 16777619;
function detectDuplication(files2, options = {}) {
  const minTokens = Math.max(1, options.minTokens ?? DEFAULT_MIN_TOKENS);
  const table = new TokenTable();
  const analysed = [];
  let offset = 0;
  for (const f of files2) {
    if (scriptKindOf(f.path) === void 0) continue;
    const tokens = tokenize(f.text, table, options);
    analysed.push({ file: f.path, text: f.text, tokens, offset });
    offset += tokens.ids.length;
  }
  const all = concatIds(analysed, offset);
  const duplicates = findDuplicates(analysed, all, minTokens);
  return summarize(analysed, duplicates);
}
function concatIds(analysed, total) {
  const all = new Int32Array(total);
  for (const a of analysed) all.set(a.tokens.ids, a.offset);
  return all;
}
function windowHashes(ids, w) {
  const count = ids.length - w + 1;
  if (count <= 0) return new Int32Array(0);
  let top = 1;
  for (let i = 1; i < w; i++) top = Math.imul(top, BASE);
  const hashes = new Int32Array(count);
  let h = 0;
  for (let i = 0; i < w; i++) h = Math.imul(h, BASE) + ids[i] | 0;
  hashes[0] = h;
  for (let i = 1; i < count; i++) {
    const out = Math.imul(ids[i - 1], top);
    h = Math.imul(h - out, BASE) + ids[i + w - 1] | 0;
    hashes[i] = h;
  }
  return hashes;
}
function sameRun(all, p, q, length) {
  for (let k = 0; k < length; k++) if (all[p + k] !== all[q + k]) return false;
  return true;
}
var WindowIndex = class {
  keys;
  /** Position + 1; 0 marks an empty slot. */
  values;
  mask;
  constructor(expected) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }
  /** The position stored for `hash`, storing `pos` first when there is none (then returns undefined). */
  getOrAdd(hash, pos) {
    let slot = Math.imul(hash, 2654435761) & this.mask;
    for (; ; ) {
      const v = this.values[slot];
      if (v === 0) {
        this.keys[slot] = hash;
        this.values[slot] = pos + 1;
        return void 0;
      }
      if (this.keys[slot] === hash) return v - 1;
      slot = slot + 1 & this.mask;
    }
  }
};
function findDuplicates(analysed, all, w) {
  const seen = new WindowIndex(all.length);
  const fileOf = (pos) => analysed[fileIndexAt(analysed, pos)];
  const duplicates = [];
  for (const file of analysed) {
    const hashes = windowHashes(file.tokens.ids, w);
    const end = file.offset + file.tokens.ids.length;
    let i = 0;
    while (i < hashes.length) {
      const pos = file.offset + i;
      const h = hashes[i];
      const earlier = seen.getOrAdd(h, pos);
      if (earlier === void 0 || earlier + w > pos || !sameRun(all, earlier, pos, w)) {
        i++;
        continue;
      }
      const length = extend(all, earlier, pos, w, end);
      for (let k = i + 1; k <= i + length - w; k++) seen.getOrAdd(hashes[k], file.offset + k);
      duplicates.push(describe(fileOf(earlier), earlier, file, pos, length));
      i += length;
    }
  }
  return duplicates;
}
function extend(all, earlier, pos, w, end) {
  let length = w;
  while (pos + length < end && earlier + length < pos && all[earlier + length] === all[pos + length])
    length++;
  return length;
}
function fileIndexAt(analysed, pos) {
  let lo = 0;
  let hi = analysed.length - 1;
  while (lo < hi) {
    const mid = lo + hi + 1 >> 1;
    if (analysed[mid].offset <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
function span(file, pos, length) {
  const first = pos - file.offset;
  return {
    file: file.file,
    startLine: file.tokens.startLines[first],
    endLine: file.tokens.endLines[first + length - 1]
  };
}
function describe(original, earlier, copy, pos, length) {
  const a = span(original, earlier, length);
  const b = span(copy, pos, length);
  return { a, b, tokens: length, lines: b.endLine - b.startLine + 1 };
}
function nonBlankLines(text) {
  const lines = text.split("\n");
  const flags = new Uint8Array(lines.length + 1);
  lines.forEach((l, i) => {
    if (l.trim() !== "") flags[i + 1] = 1;
  });
  return flags;
}
function summarize(analysed, duplicates) {
  const spansByFile = /* @__PURE__ */ new Map();
  for (const d of duplicates) {
    for (const s of [d.a, d.b]) {
      const list = spansByFile.get(s.file) ?? [];
      list.push(s);
      spansByFile.set(s.file, list);
    }
  }
  let totalLines = 0;
  let duplicatedLines = 0;
  for (const file of analysed) {
    const flags = nonBlankLines(file.text);
    for (const f of flags) totalLines += f;
    const marked = new Uint8Array(flags.length);
    for (const s of spansByFile.get(file.file) ?? []) {
      for (let line = s.startLine; line <= s.endLine; line++) marked[line] = flags[line];
    }
    for (const m of marked) duplicatedLines += m;
  }
  const percent = totalLines === 0 ? 0 : duplicatedLines / totalLines * 100;
  return { duplicates, duplicatedLines, totalLines, percent };
}

// src/metrics/code/source-files.ts
import picomatch from "picomatch";
import { glob } from "tinyglobby";

// ../../tmp/cm/multi.ts
var root = "/work/main/node_modules";
var paths = (await glob2(["eslint/lib/**/*.js", "@typescript-eslint/**/dist/**/*.js", "vitest/dist/**/*.js", "zod/**/*.{js,cjs}", "kysely/dist/**/*.js"], { cwd: root })).sort();
var files = paths.map((p) => ({ path: p, text: readFileSync(`${root}/${p}`, "utf8") }));
var MB = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 1e6;
for (let r = 0; r < 2; r++) {
  let t = performance.now();
  const d = detectDuplication(files);
  const dd = performance.now() - t;
  t = performance.now();
  const c = measureComplexity(files);
  const dc = performance.now() - t;
  console.log(`${files.length} files ${MB.toFixed(1)} MB: duplication ${dd.toFixed(0)} ms = ${(MB / (dd / 1e3)).toFixed(1)} MB/s (${d.percent.toFixed(1)}%); complexity ${dc.toFixed(0)} ms = ${(MB / (dc / 1e3)).toFixed(1)} MB/s (${c.functions.length} fns)`);
}
