/**
 * The attributes of one start tag, read lazily: the scanner records where each value is, and a
 * value is decoded only when the handler asks for it.
 */
import { attributeValue } from "./text";

/**
 * The attributes of the start tag being reported. The scanner reuses one instance for every tag,
 * so a handler must read what it needs before returning from `open`. Values are decoded when read:
 * most attributes of a report (`type`, `timestamp`, `hostname`, rates) are never looked at.
 */
export class XmlAttributes {
  /** Number of attributes in this tag; the arrays beyond it are stale. */
  length = 0;
  /** Attribute names, as written (a namespace prefix stays part of the name). */
  readonly names: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(
    private readonly input: string,
    private readonly file: string,
  ) {}

  // Built only for tags with many attributes, so that checking duplicates stays linear.
  private many: Set<string> | undefined;

  /** @internal Used by the scanner: starts a new tag. */
  reset(): void {
    this.length = 0;
    this.many = undefined;
  }

  /** @internal Used by the scanner while reading a tag; false when `name` is already there. */
  push(name: string, start: number, end: number): boolean {
    if (this.many !== undefined) {
      if (this.many.has(name)) return false;
      this.many.add(name);
    } else {
      if (this.index(name) !== -1) return false;
      if (this.length === 32) this.many = new Set(this.names.slice(0, this.length));
    }
    this.names[this.length] = name;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
    this.many?.add(name);
    return true;
  }

  private index(name: string): number {
    for (let i = 0; i < this.length; i++) if (this.names[i] === name) return i;
    return -1;
  }

  /** Whether the tag has attribute `name`. */
  has(name: string): boolean {
    return this.index(name) !== -1;
  }

  /**
   * The decoded value of attribute `name`, or undefined when the tag does not have it. Throws a
   * located `SLUICE_E_REPORT_PARSE` when the value holds a bad entity.
   */
  get(name: string): string | undefined {
    const i = this.index(name);
    if (i === -1) return undefined;
    const start = this.starts[i] as number;
    return attributeValue(this.input.slice(start, this.ends[i]), this.input, this.file, start);
  }

  /** Whether attribute `name` equals `value` (compared in place, without allocating). */
  is(name: string, value: string): boolean {
    const i = this.index(name);
    if (i === -1) return false;
    const start = this.starts[i] as number;
    const end = this.ends[i] as number;
    if (end - start === value.length && this.input.startsWith(value, start)) return true;
    return this.input.lastIndexOf("&", end - 1) >= start && this.get(name) === value;
  }

  /**
   * Attribute `name` as a number: plain decimals (`12`, `0.003`) are read in place — reports carry
   * millions of `hits`/`time` values and not allocating them is a large part of the parse — and
   * anything else through `Number()` of the decoded value, so it may be NaN. Undefined when the
   * tag does not have it.
   */
  number(name: string): number | undefined {
    const i = this.index(name);
    if (i === -1) return undefined;
    const start = this.starts[i] as number;
    const end = this.ends[i] as number;
    let n = 0;
    let scale = 1;
    let dot = false;
    // Up to 15 digits the integer is exact, and dividing by an exact power of ten rounds once,
    // exactly as Number("0.003") does.
    if (end > start && end - start <= 15) {
      for (let j = start; j < end; j++) {
        const d = this.input.charCodeAt(j) - 0x30;
        if (d >= 0 && d <= 9) {
          n = n * 10 + d;
          if (dot) scale *= 10;
        } else if (d === -2 && !dot && j > start && j < end - 1) dot = true;
        else return decodedNumber(this.get(name) as string);
      }
      return n / scale;
    }
    return decodedNumber(this.get(name) as string);
  }
}

function decodedNumber(value: string): number {
  return value.trim() === "" ? NaN : Number(value);
}
