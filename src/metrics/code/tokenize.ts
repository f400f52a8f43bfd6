import ts from "typescript";

/**
 * Tokens for duplicate detection, from TypeScript's scanner alone (no parse: parsing runs at about
 * 5 MB/s here, scanning at about 60 MB/s). Comments and whitespace are dropped, so reformatted copies
 * still match. Each token becomes a small integer; what two tokens share an integer decides what counts
 * as "the same code":
 *
 * - literals (strings, numbers, regular expressions, template text) are normalised by default, as CPD's
 *   `--ignore-literals` and SonarQube's JavaScript CPD do: a copy that differs only in a message or a
 *   constant is still a copy;
 * - identifiers are kept by default (CPD's and jscpd's default): renaming everything is rare in real
 *   copy-paste and normalising names makes every short `if (x.y) return z;` look alike. Turn
 *   `ignoreIdentifiers` on to find renamed copies too.
 *
 * Import declarations are dropped (CPD's `--ignore-usings` in spirit): a shared header of imports is not
 * duplicated logic.
 */

export interface TokenizeOptions {
  /** Treat every identifier as the same token, finding renamed copies. Default false. */
  ignoreIdentifiers?: boolean;
  /** Treat every literal as the same token. Default true. */
  ignoreLiterals?: boolean;
}

/** One file's tokens: parallel arrays, one entry per token. */
export interface TokenStream {
  /** Token identity; equal ids mean equal tokens under the chosen normalisation. */
  ids: Int32Array;
  /** 1-based line where each token starts. */
  startLines: Int32Array;
  /** 1-based line where each token ends (template literals may span lines). */
  endLines: Int32Array;
}

/** Interns identifier and literal texts so that ids are comparable across the files of one run. */
export class TokenTable {
  private readonly texts = new Map<string, number>();
  // SyntaxKind values stay below this, so interned texts never collide with a kind.
  private next = 10_000;

  idOf(text: string): number {
    let id = this.texts.get(text);
    if (id === undefined) {
      id = this.next++;
      this.texts.set(text, id);
    }
    return id;
  }
}

const K = ts.SyntaxKind;
const LITERAL_ID = 9_000;
const IDENTIFIER_ID = 9_001;

/** Kinds after which a `/` is division; after anything else it starts a regular expression. */
const ENDS_EXPRESSION = new Set<ts.SyntaxKind>([
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
  K.FalseKeyword,
]);

function endsExpression(kind: ts.SyntaxKind, beforeIt: ts.SyntaxKind): boolean {
  if (ENDS_EXPRESSION.has(kind)) return true;
  // Any word after `.` is a property name, reserved or not: `x.default / 2` divides.
  if (beforeIt === K.DotToken || beforeIt === K.QuestionDotToken)
    return kind >= K.FirstKeyword && kind <= K.LastKeyword;
  // Contextual keywords (`type`, `get`, `from`…) are usually plain names: `type / 2` divides.
  return kind > K.LastFutureReservedWord && kind <= K.LastKeyword && kind !== K.OfKeyword;
}

const LITERAL_KINDS = new Set<ts.SyntaxKind>([
  K.StringLiteral,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.RegularExpressionLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateHead,
  K.TemplateMiddle,
  K.TemplateTail,
]);

/** Growable parallel arrays; typed arrays keep a million tokens cheap to hold and compare. */
class TokenBuffer {
  length = 0;
  ids = new Int32Array(1024);
  startLines = new Int32Array(1024);
  endLines = new Int32Array(1024);

  push(id: number, startLine: number, endLine: number): void {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length] = id;
    this.startLines[this.length] = startLine;
    this.endLines[this.length] = endLine;
    this.length++;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const copy = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.ids = copy(this.ids);
    this.startLines = copy(this.startLines);
    this.endLines = copy(this.endLines);
  }

  stream(): TokenStream {
    return {
      ids: this.ids.subarray(0, this.length),
      startLines: this.startLines.subarray(0, this.length),
      endLines: this.endLines.subarray(0, this.length),
    };
  }
}

/** Counts lines incrementally: each call scans only the text since the previous one. */
class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  at(target: number): number {
    const text = this.text;
    for (let i = this.pos; i < target; i++) if (text.charCodeAt(i) === 10) this.line++;
    this.pos = target;
    return this.line;
  }
}

/** Tokenizes one JS/TS file. JSX text is scanned as code, which is consistent between copies. Pure. */
export function tokenize(text: string, table: TokenTable, options: TokenizeOptions = {}): TokenStream {
  const ignoreLiterals = options.ignoreLiterals ?? true;
  const ignoreIdentifiers = options.ignoreIdentifiers ?? false;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const out = new TokenBuffer();
  const lines = new LineCounter(text);
  // One entry per open `{`: true when it is a template's `${`, whose `}` resumes the template text.
  const braces: boolean[] = [];
  let previous: ts.SyntaxKind = K.Unknown;
  let beforePrevious: ts.SyntaxKind = K.Unknown;
  let skip: ImportSkip = "none";
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

/** Where the tokenizer is relative to an import declaration it drops. */
type ImportSkip = "none" | "import" | "import-end";

/**
 * Drops an import declaration: from `import` to its module specifier and an optional `;`.
 * `import x = require(…)` has no `from`; it is kept as code rather than risk swallowing what follows.
 */
function skipImports(
  skip: ImportSkip,
  kind: ts.SyntaxKind,
  prior: ts.SyntaxKind,
  scanner: ts.Scanner,
): { next: ImportSkip; drop: boolean } {
  if (skip === "import-end")
    return kind === K.SemicolonToken
      ? { next: "none", drop: true }
      : skipImports("none", kind, prior, scanner);
  if (skip === "none") {
    if (kind !== K.ImportKeyword || !startsImportDeclaration(scanner, prior))
      return { next: "none", drop: false };
  }
  if (kind === K.EqualsToken) return { next: "none", drop: false };
  const ends = kind === K.StringLiteral && (prior === K.FromKeyword || prior === K.ImportKeyword);
  return { next: ends ? "import-end" : "import", drop: true };
}

/** Applies the context the scanner cannot see: template continuations and regular expressions. */
function rescan(
  kind: ts.SyntaxKind,
  scanner: ts.Scanner,
  braces: boolean[],
  previous: ts.SyntaxKind,
  beforePrevious: ts.SyntaxKind,
): ts.SyntaxKind {
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

/** `import x from …` at statement level, not `import(…)` or `import.meta`. */
function startsImportDeclaration(scanner: ts.Scanner, previous: ts.SyntaxKind): boolean {
  const atStatementStart =
    previous === K.Unknown ||
    previous === K.SemicolonToken ||
    previous === K.CloseBraceToken ||
    previous === K.StringLiteral ||
    scanner.hasPrecedingLineBreak();
  if (!atStatementStart) return false;
  const next = scanner.lookAhead(() => scanner.scan());
  return next !== K.OpenParenToken && next !== K.DotToken;
}

function tokenId(
  kind: ts.SyntaxKind,
  scanner: ts.Scanner,
  table: TokenTable,
  ignoreLiterals: boolean,
  ignoreIdentifiers: boolean,
): number {
  if (kind === K.Identifier || kind === K.PrivateIdentifier) {
    return ignoreIdentifiers ? IDENTIFIER_ID : table.idOf(scanner.getTokenValue());
  }
  if (LITERAL_KINDS.has(kind)) {
    // Template pieces keep their kind so that the `${…}` structure still has to match.
    if (ignoreLiterals)
      return kind === K.TemplateHead || kind === K.TemplateMiddle || kind === K.TemplateTail
        ? kind
        : LITERAL_ID;
    return table.idOf(`${kind}:${scanner.getTokenText()}`);
  }
  return kind;
}
