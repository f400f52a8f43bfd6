/**
 * A small, strict-enough streaming XML scanner for report files (JUnit, Cobertura).
 *
 * Why not a library (measured with bench/report-junit's generated 20 MB files, Node 20, on these
 * busy 2-core machines; medians of 5 parses, CPU time): fast-xml-parser 5.12 builds its object
 * tree at ≈ 32 MB/s before any JUnit logic runs, below the 50 MB/s. saxes 6.0 driving the
 * same JUnit and Cobertura handlers reaches ≈ 75–90 MB/s on JUnit but only ≈ 37–42 MB/s on
 * Cobertura (millions of small tags, every attribute decoded into an object); this scanner runs
 * the same handlers at ≈ 105–140 MB/s on JUnit and ≈ 70–90 MB/s on Cobertura, keeping the target
 * under load. The speed comes from doing less: no tree, `indexOf` to jump between tags, interned
 * names, attribute values decoded (or read as numbers in place) only when asked for, and text
 * delivered only while the handler wants it. Handlers see only `XmlHandler`, so swapping in a
 * library later is a ~20-line adapter.
 *
 * What it checks: names, quoting and `=` in tags, matching end tags, one root, no stray text outside
 * it, entities (the five predefined ones and character references), terminated comments, CDATA,
 * processing instructions and DOCTYPE, and truncation anywhere. Every problem is a
 * `SLUICE_E_REPORT_PARSE` with file, line and column. What it does not do: DTD-declared entities,
 * namespaces (prefixes stay part of the name), encodings (the caller gives a decoded string), and
 * entity checks in text the handler did not ask for (skipping it is the point of the fast path).
 */
import { XmlAttributes } from "./attributes";
import { decodeEntities, parseError } from "./text";

export { XmlAttributes };

/** What the scanner reports; called synchronously, in document order. */
export interface XmlHandler {
  /** A start tag (`<a/>` is followed at once by `close`). `offset` is where its `<` is. */
  open(name: string, attrs: XmlAttributes, offset: number): void;
  /** The end of the element opened last. */
  close(name: string): void;
  /**
   * Character data inside an element, decoded (CDATA verbatim); one element's text may arrive in
   * several calls. Only called while `wantsText` is true, which the handler may flip at any time.
   */
  text(text: string, offset: number): void;
  wantsText: boolean;
}

// 1 = may appear in a name, 2 = may also start one (ASCII only; every char ≥ 0x80 is accepted).
const nameChars = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) nameChars[c] = 2;
  else if (/[0-9.-]/.test(ch)) nameChars[c] = 1;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;
const EQ = 0x3d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/**
 * Scans `input` (the whole document) and reports it to `handler`. Throws only `SLUICE_E_REPORT_PARSE`
 * (located in `file`) for malformed input, or whatever the handler itself throws.
 */
export function scanXml(input: string, file: string, handler: XmlHandler): void {
  new Scanner(input, file, handler).run();
}

class Scanner {
  private pos = 0;
  // The open elements; an explicit stack so deep nesting costs memory, never the call stack.
  private readonly stack: string[] = [];
  private readonly attrs: XmlAttributes;
  private sawRoot = false;
  // Element and attribute names repeat endlessly; interning them saves an allocation per name.
  private readonly names: (string | undefined)[] = new Array<string | undefined>(1024);
  private hash = 0;

  constructor(
    private readonly input: string,
    private readonly file: string,
    private readonly handler: XmlHandler,
  ) {
    if (input.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.attrs = new XmlAttributes(input, file);
  }

  run(): void {
    const { input } = this;
    const n = input.length;
    while (this.pos < n) {
      const lt = input.indexOf("<", this.pos);
      const textEnd = lt === -1 ? n : lt;
      if (textEnd > this.pos) this.onText(this.pos, textEnd);
      if (lt === -1) break;
      this.pos = lt;
      const c = input.charCodeAt(lt + 1);
      if (c === SLASH) this.endTag();
      else if (c === BANG) this.markup();
      else if (c === QMARK) this.skipPast("?>", "processing instruction");
      else this.startTag();
    }
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) throw this.fail(n, `unexpected end of input: <${open}> is not closed`);
    if (!this.sawRoot) throw this.fail(n, "no root element (empty or not XML)");
  }

  private fail(offset: number, message: string) {
    return parseError(this.input, this.file, offset, message);
  }

  private onText(start: number, end: number): void {
    if (this.stack.length === 0) {
      for (let i = start; i < end; i++) {
        if (!isSpace(this.input.charCodeAt(i))) throw this.fail(i, "text outside the root element");
      }
    } else if (this.handler.wantsText) {
      // Slice first so that the `&` search cannot run past this text into the rest of the file.
      this.handler.text(decodeEntities(this.input.slice(start, end), this.input, this.file, start), start);
    }
  }

  /**
   * Reads a name at `i`; returns its end. `what` and `tag` only build the error message (kept
   * apart so that no message string is built per name on the hot path).
   */
  private name(i: number, what: string, tag?: string): number {
    const { input } = this;
    const first = input.charCodeAt(i);
    if (!(first >= 0x80 || nameChars[first] === 2)) {
      const full = tag === undefined ? what : `${what} in <${tag}>`;
      throw this.fail(i, Number.isNaN(first) ? `unexpected end of input in ${full}` : `invalid ${full}`);
    }
    let h = first;
    let j = i + 1;
    for (;;) {
      const c = input.charCodeAt(j);
      // charCodeAt past the end is NaN, and nameChars[NaN] is undefined: the comparison ends the name.
      if (c >= 0x80 || (nameChars[c] as number) > 0) {
        h = (h * 31 + c) | 0;
        j++;
      } else {
        this.hash = h;
        return j;
      }
    }
  }

  /** The name that `name()` just read from `start` to `end`, interned by its hash. */
  private interned(start: number, end: number): string {
    const slot = this.hash & 1023;
    const known = this.names[slot];
    if (known !== undefined && known.length === end - start && this.input.startsWith(known, start))
      return known;
    const name = this.input.slice(start, end);
    this.names[slot] = name;
    return name;
  }

  private skipSpace(i: number): number {
    while (isSpace(this.input.charCodeAt(i))) i++;
    return i;
  }

  private startTag(): void {
    const { input, attrs } = this;
    const start = this.pos;
    if (this.stack.length === 0 && this.sawRoot) throw this.fail(start, "a second root element");
    const nameEnd = this.name(start + 1, "element name");
    const name = this.interned(start + 1, nameEnd);
    attrs.reset();
    // Where the next '<' is: nothing of this tag may reach it ('<' is forbidden in values, and a
    // lost quote or '>' shows up this way). One search per tag instead of a scan per value.
    const next = input.indexOf("<", nameEnd);
    const limit = next === -1 ? input.length : next;
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      const before = i;
      i = this.skipSpace(i);
      const c = input.charCodeAt(i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (input.charCodeAt(i + 1) !== GT) throw this.fail(i, `expected '/>' in <${name}>`);
        i += 2;
        selfClosing = true;
        break;
      }
      if (Number.isNaN(c)) throw this.fail(i, `unexpected end of input in <${name}>`);
      if (i === before) throw this.fail(i, `expected whitespace before an attribute in <${name}>`);
      i = this.attribute(i, name, limit);
    }
    this.pos = i;
    this.sawRoot = true;
    this.handler.open(name, attrs, start);
    if (selfClosing) this.handler.close(name);
    else this.stack.push(name);
  }

  /**
   * Reads `name="value"` at `i` into `this.attrs` (the value stays raw until asked for); returns the
   * offset after the closing quote.
   */
  private attribute(i: number, tag: string, limit: number): number {
    const { input, attrs } = this;
    const nameEnd = this.name(i, "attribute name", tag);
    const attrName = this.interned(i, nameEnd);
    let j = this.skipSpace(nameEnd);
    if (input.charCodeAt(j) !== EQ) throw this.fail(j, `expected '=' after ${attrName} in <${tag}>`);
    j = this.skipSpace(j + 1);
    const quote = input.charCodeAt(j);
    if (quote !== 0x22 && quote !== 0x27) throw this.fail(j, `expected a quoted value for ${attrName}`);
    const close = input.indexOf(quote === 0x22 ? '"' : "'", j + 1);
    if (close === -1 || close > limit) {
      if (limit === input.length) throw this.fail(j, `unexpected end of input in the value of ${attrName}`);
      throw this.fail(limit, `'<' inside the value of ${attrName} (unterminated quote?)`);
    }
    if (!attrs.push(attrName, j + 1, close)) throw this.fail(i, `duplicate attribute ${attrName}`);
    return close + 1;
  }

  private endTag(): void {
    const { input, stack } = this;
    const start = this.pos;
    const open = stack[stack.length - 1];
    const nameEnd = this.name(start + 2, "end tag name");
    // Comparing in place avoids allocating every end tag's name.
    if (open === undefined || nameEnd - start - 2 !== open.length || !input.startsWith(open, start + 2)) {
      const got = input.slice(start + 2, nameEnd);
      throw this.fail(
        start,
        open === undefined ? `</${got}> without an open element` : `</${got}> closes <${open}>`,
      );
    }
    const gt = this.skipSpace(nameEnd);
    if (input.charCodeAt(gt) !== GT) {
      throw this.fail(
        gt,
        gt >= input.length ? "unexpected end of input in an end tag" : `expected '>' in </${open}>`,
      );
    }
    this.pos = gt + 1;
    stack.pop();
    this.handler.close(open);
  }

  /** `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE…>`. */
  private markup(): void {
    const { input } = this;
    const start = this.pos;
    if (input.startsWith("<!--", start)) {
      this.skipPast("-->", "comment");
    } else if (input.startsWith("<![CDATA[", start)) {
      if (this.stack.length === 0) throw this.fail(start, "CDATA outside the root element");
      const end = input.indexOf("]]>", start + 9);
      if (end === -1) throw this.fail(start, "unexpected end of input in a CDATA section");
      if (this.handler.wantsText) this.handler.text(input.slice(start + 9, end), start + 9);
      this.pos = end + 3;
    } else if (input.startsWith("<!DOCTYPE", start)) {
      if (this.sawRoot) throw this.fail(start, "DOCTYPE after the root element started");
      this.doctype(start);
    } else {
      throw this.fail(
        start,
        start + 2 >= input.length ? "unexpected end of input" : "invalid markup after '<!'",
      );
    }
  }

  // A DOCTYPE may carry an internal subset in [...] with quoted strings containing '>'.
  private doctype(start: number): void {
    const { input } = this;
    let depth = 0;
    for (let i = start + 9; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c === 0x22 || c === 0x27) {
        const close = input.indexOf(c === 0x22 ? '"' : "'", i + 1);
        if (close === -1) break;
        i = close;
      } else if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (c === GT && depth <= 0) {
        this.pos = i + 1;
        return;
      } else if (c === LT && depth <= 0) break;
    }
    throw this.fail(start, "unterminated DOCTYPE");
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.input.indexOf(terminator, this.pos + 2);
    if (end === -1) throw this.fail(this.pos, `unexpected end of input in a ${what}`);
    this.pos = end + terminator.length;
  }
}
