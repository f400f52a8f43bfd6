/**
 * Whether an installed version is affected by an OSV `affected` entry, evaluated as the OSV schema
 * specifies: listed in `versions`, or inside a SEMVER/ECOSYSTEM range whose events, sorted by
 * version, open (`introduced`) and close (`fixed`, after `last_affected`) affected spans, capped by
 * `limit`. npm versions order as SemVer (node-semver); PyPI versions as PEP 440. GIT ranges name
 * commits, which a lockfile does not record, and are skipped.
 */
import semver from "semver";
import { comparePep440 } from "./pep440";
import type { OsvAffected, OsvEvent } from "./osv";

/** Orders two versions of an ecosystem; undefined when either cannot be read. */
export type VersionOrder = (a: string, b: string) => number | undefined;

function semverOrder(a: string, b: string): number | undefined {
  const x = semver.parse(a, { loose: true });
  const y = semver.parse(b, { loose: true });
  return x && y ? semver.compare(x, y) : undefined;
}

/** The version order of an OSV ecosystem ("npm", "PyPI"); SemVer for the rest. */
export function versionOrder(ecosystem: string): VersionOrder {
  return ecosystem === "PyPI" ? comparePep440 : semverOrder;
}

/** Two spellings of one version (`1.0` and `1.0.0` for PyPI, `v1.0.0` and `1.0.0` for npm). */
function sameVersion(ecosystem: string, a: string, b: string): boolean {
  if (a === b) return true;
  return (ecosystem === "PyPI" ? comparePep440(a, b) : semverOrder(a, b)) === 0;
}

function eventOrder(order: VersionOrder): (a: OsvEvent, b: OsvEvent) => number {
  return (a, b) => {
    // "0" means "from the first version"; it sorts before every other event.
    if (a.version === "0" || b.version === "0")
      return a.version === b.version ? 0 : a.version === "0" ? -1 : 1;
    return order(a.version, b.version) ?? 0;
  };
}

/** Is `version` inside the range these events describe? undefined when it cannot be compared. */
export function inRange(version: string, events: OsvEvent[], order: VersionOrder): boolean | undefined {
  const sorted = events.filter((e) => e.kind !== "limit").sort(eventOrder(order));
  let affected = false;
  for (const e of sorted) {
    if (e.kind === "introduced") {
      const c = e.version === "0" ? 1 : order(version, e.version);
      if (c === undefined) return undefined;
      if (c >= 0) affected = true;
    } else {
      const c = order(version, e.version);
      if (c === undefined) return undefined;
      if ((e.kind === "fixed" && c >= 0) || (e.kind === "last_affected" && c > 0)) affected = false;
    }
  }
  const limits = events.filter((e) => e.kind === "limit" && e.version !== "*");
  if (affected && limits.length > 0) return limits.some((l) => (order(version, l.version) ?? 1) < 0);
  return affected;
}

/** Is `version` affected by this entry (its `versions` list or one of its ranges)? */
export function isAffected(entry: OsvAffected, version: string): boolean {
  const ecosystem = entry.ecosystem;
  if (entry.versions.some((v) => sameVersion(ecosystem, v, version))) return true;
  const order = versionOrder(ecosystem);
  return entry.ranges.some(
    (r) => (r.type === "SEMVER" || r.type === "ECOSYSTEM") && inRange(version, r.events, order) === true,
  );
}

/**
 * The lowest `fixed` version above `version` among these entries' ranges that no entry still
 * marks affected, if any.
 */
export function lowestFix(entries: OsvAffected[], version: string): string | undefined {
  let best: string | undefined;
  for (const entry of entries) {
    const order = versionOrder(entry.ecosystem);
    for (const range of entry.ranges) {
      if (range.type !== "SEMVER" && range.type !== "ECOSYSTEM") continue;
      for (const e of range.events) {
        if (e.kind !== "fixed" || (order(e.version, version) ?? -1) <= 0) continue;
        if (entries.some((other) => isAffected(other, e.version))) continue;
        if (best === undefined || (order(e.version, best) ?? 0) < 0) best = e.version;
      }
    }
  }
  return best;
}
