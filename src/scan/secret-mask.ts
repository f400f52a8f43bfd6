/**
 * Secret values kept out of every output. The secrets scanner masks what it detects where it detects
 * it; this is the safety net behind that: each value found anywhere is masked wherever else it
 * occurs in a message, snippet, note or error of any scanner's result (a value that shows up again
 * without the context a rule needs to detect it, a policy finding quoting the same line).
 *
 * Values travel with findings and results as non-enumerable symbol properties: JSON, SARIF and
 * structured clone (worker messages) never see them, and `Symbol.for` finds them across bundle chunks.
 */
import type { ScanFinding, ScanResult } from "./types";

const SECRETS = Symbol.for("sluice.secretValues");

/** Shorter values are not searched for elsewhere (they would mask ordinary words); their own span is. */
export const MIN_MASKED_LENGTH = 4;

/**
 * A secret shows its first characters (often a non-secret type prefix such as `ghp_`) only from this
 * length: on a short value 4 characters would narrow a guess too much.
 */
export const PREFIX_MIN_LENGTH = 16;

/** A secret as shown: `ghp_****` from 16 characters (never more than 4, a quarter at most), else `****`. */
export function redact(secret: string): string {
  const shown = secret.length >= PREFIX_MIN_LENGTH ? Math.min(4, Math.floor(secret.length / 4)) : 0;
  // Control characters (a PEM body's newline) would break the one-line message.
  const prefix = [...secret.slice(0, shown)].map((c) => (c < " " || c === "\x7f" ? " " : c)).join("");
  return prefix + "****";
}

/** Attach secret values to a finding or result, invisibly to serialisation. */
export function attachSecrets(target: object, values: readonly string[]): void {
  Object.defineProperty(target, SECRETS, { value: values, enumerable: false, configurable: true });
}

/** The values attached to a finding or result (none when they were lost, e.g. through JSON). */
export function attachedSecrets(target: object): readonly string[] {
  return (target as { [SECRETS]?: readonly string[] })[SECRETS] ?? [];
}

/** One occurrence of a value in a text: [start, end). */
export interface Occurrence {
  start: number;
  end: number;
  secret: string;
}

/**
 * A set of values to find in text. At a position, the first MIN_MASKED_LENGTH characters give the
 * lengths of the values that start so (keys of one kind share theirs), then one lookup per length:
 * a few lookups, whatever the number of values (a history scan may find thousands, all `ghp_…`).
 */
export class SecretSet {
  private readonly values = new Set<string>();
  /** Distinct lengths of the values by their head, longest first: the longer of two is masked. */
  private readonly lengthsByHead = new Map<string, number[]>();
  /** First characters of the values: most positions of a text are passed over on this alone. */
  private readonly firsts = new Set<number>();

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  /** Whether no value (of at least MIN_MASKED_LENGTH characters) was added. */
  get empty(): boolean {
    return this.values.size === 0;
  }

  add(value: string): void {
    if (value.length < MIN_MASKED_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.firsts.add(value.charCodeAt(0));
    const head = value.slice(0, MIN_MASKED_LENGTH);
    const lengths = this.lengthsByHead.get(head);
    if (!lengths) this.lengthsByHead.set(head, [value.length]);
    else if (!lengths.includes(value.length)) {
      lengths.push(value.length);
      lengths.sort((a, b) => b - a);
    }
  }

  /** Occurrences in text[from, to), by start; overlapping ones are all listed. */
  find(text: string, from = 0, to = text.length): Occurrence[] {
    const out: Occurrence[] = [];
    if (this.values.size === 0) return out;
    for (let i = from; i + MIN_MASKED_LENGTH <= to; i++) {
      if (!this.firsts.has(text.charCodeAt(i))) continue;
      const lengths = this.lengthsByHead.get(text.slice(i, i + MIN_MASKED_LENGTH));
      if (!lengths) continue;
      for (const n of lengths) {
        const candidate = i + n <= to ? text.slice(i, i + n) : "";
        if (this.values.has(candidate)) {
          out.push({ start: i, end: i + n, secret: candidate });
          break;
        }
      }
    }
    return out;
  }

  /** `text` with every occurrence redacted (overlapping ones merged). */
  mask(text: string): string {
    const found = this.find(text);
    if (found.length === 0) return text;
    let out = "";
    let pos = 0;
    for (const o of found) {
      if (o.end <= pos) continue;
      // An occurrence overlapping the previous one: its prefix would show part of the previous value.
      out += o.start >= pos ? text.slice(pos, o.start) + redact(o.secret) : "";
      pos = o.end;
    }
    return out + text.slice(pos);
  }
}

/**
 * Mask every finding's value in every finding's message and snippet (across files and threads);
 * returns the values, deduplicated.
 */
export function maskFindings(findings: readonly ScanFinding[]): string[] {
  const values = new Set<string>();
  for (const f of findings) for (const v of attachedSecrets(f)) values.add(v);
  const set = new SecretSet(values);
  if (!set.empty) for (const f of findings) maskFinding(f, set);
  return [...values];
}

function maskFinding(f: ScanFinding, set: SecretSet): void {
  f.message = set.mask(f.message);
  if (f.snippet !== undefined) f.snippet = set.mask(f.snippet);
}

/** Mask the values attached to any of the results (or their findings) in all of their text. */
export function maskResults(results: readonly ScanResult[]): void {
  const set = new SecretSet();
  for (const r of results) {
    for (const v of attachedSecrets(r)) set.add(v);
    for (const f of r.findings) for (const v of attachedSecrets(f)) set.add(v);
  }
  if (set.empty) return;
  for (const r of results) {
    for (const f of r.findings) maskFinding(f, set);
    if (r.notes) r.notes = r.notes.map((n) => set.mask(n));
    if (r.notRun !== undefined) r.notRun = set.mask(r.notRun);
    if (r.errors) r.errors = r.errors.map((p) => ({ ...p, message: set.mask(p.message) }));
  }
}
