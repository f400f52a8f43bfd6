/**
 * PEP 440 versions, as pip and the OSV PyPI ecosystem order them: epochs (`1!2.0`), release
 * segments compared numerically with trailing zeros ignored (`1.0 == 1.0.0`), pre-releases
 * (a < b < rc), post-releases, dev releases (before the pre-releases of the same release), and
 * local versions (`+ubuntu.1`, after the public version). Parsing is as lenient as PEP 440's
 * normalisation rules: `v1.0`, `1.0-alpha.1`, `1.0.post`, `1.0-1`, `1.0_RC2` are all read.
 */

export interface Pep440Version {
  epoch: number;
  release: number[];
  pre?: { label: "a" | "b" | "rc"; number: number };
  post?: number;
  dev?: number;
  local?: (number | string)[];
}

// The normalisation grammar of PEP 440 (Appendix B), case-insensitive.
const PATTERN = new RegExp(
  "^\\s*v?" +
    "(?:(\\d+)!)?" + // epoch
    "(\\d+(?:\\.\\d+)*)" + // release
    "(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?" + // pre
    "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?" + // post
    "(?:[-_.]?(dev)[-_.]?(\\d+)?)?" + // dev
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?" + // local
    "\\s*$",
  "i",
);

const PRE_LABELS: Record<string, "a" | "b" | "rc"> = {
  alpha: "a",
  a: "a",
  beta: "b",
  b: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};
const PRE_RANK = { a: 0, b: 1, rc: 2 };

/** Parses a version; undefined when it is not a PEP 440 version (a "legacy" version). */
export function parsePep440(text: string): Pep440Version | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const v: Pep440Version = { epoch: m[1] ? Number(m[1]) : 0, release: m[2]!.split(".").map(Number) };
  if (m[3]) v.pre = { label: PRE_LABELS[m[3].toLowerCase()]!, number: m[4] ? Number(m[4]) : 0 };
  if (m[5] !== undefined) v.post = Number(m[5]);
  else if (m[6]) v.post = m[7] ? Number(m[7]) : 0;
  if (m[8]) v.dev = m[9] ? Number(m[9]) : 0;
  if (m[10])
    v.local = m[10]
      .toLowerCase()
      .split(/[-_.]/)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return v;
}

/** The canonical form PEP 440 normalises a version to (`1.0-ALPHA.1` → `1.0a1`). */
export function normalizePep440(text: string): string | undefined {
  const v = parsePep440(text);
  if (!v) return undefined;
  let out = (v.epoch ? `${v.epoch}!` : "") + v.release.join(".");
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join(".")}`;
  return out;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareNumbers(a[i] ?? 0, b[i] ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}

/** Sort key of the pre-release part: dev-only releases sort before any pre-release. */
function preKey(v: Pep440Version): [number, number] {
  if (v.pre) return [PRE_RANK[v.pre.label], v.pre.number];
  if (v.post === undefined && v.dev !== undefined) return [-Infinity, 0];
  return [Infinity, 0];
}

/** Local segments: numbers compare numerically and sort after strings; a longer one wins ties. */
function compareLocal(a: (number | string)[] | undefined, b: (number | string)[] | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (typeof x !== typeof y) return typeof x === "number" ? 1 : -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders two parsed versions: negative, zero or positive. */
export function comparePep440Versions(a: Pep440Version, b: Pep440Version): number {
  const [aPre, aPreN] = preKey(a);
  const [bPre, bPreN] = preKey(b);
  return (
    compareNumbers(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareNumbers(aPre, bPre) ||
    compareNumbers(aPreN, bPreN) ||
    compareNumbers(a.post ?? -Infinity, b.post ?? -Infinity) ||
    compareNumbers(a.dev ?? Infinity, b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  );
}

/** Orders two version strings; undefined when either is not a PEP 440 version. */
export function comparePep440(a: string, b: string): number | undefined {
  const x = parsePep440(a);
  const y = parsePep440(b);
  return x && y ? comparePep440Versions(x, y) : undefined;
}
