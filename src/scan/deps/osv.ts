/**
 * The parts of the OSV schema (ossf.github.io/osv-schema) the dependency scanner reads. Records are
 * user-supplied data: `readOsvRecord` checks the shape once, so matching code can trust it.
 */

export type OsvEventKind = "introduced" | "fixed" | "last_affected" | "limit";

export interface OsvEvent {
  kind: OsvEventKind;
  version: string;
}

export interface OsvRange {
  type: string;
  events: OsvEvent[];
}

export interface OsvAffected {
  ecosystem: string;
  name: string;
  ranges: OsvRange[];
  versions: string[];
  /** `database_specific.severity` or `ecosystem_specific.severity` of this entry, if any. */
  severity?: string;
}

export interface OsvRecord {
  id: string;
  aliases: string[];
  summary?: string;
  details?: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  severity: { type: string; score: string }[];
  affected: OsvAffected[];
  /** `database_specific.severity` (GitHub's CRITICAL / HIGH / MODERATE / LOW). */
  databaseSeverity?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function optionalString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function severityWord(...objects: unknown[]): string | undefined {
  for (const o of objects) if (isObject(o) && typeof o.severity === "string") return o.severity;
  return undefined;
}

/** The package ecosystem without a release suffix ("Debian:12" → "Debian"). */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(":");
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * Checks and narrows a parsed OSV record; returns a reason string when it is not one (no `id`,
 * `affected` not a list…). Unknown fields are ignored, as the schema asks.
 */
export function readOsvRecord(value: unknown): OsvRecord | string {
  if (!isObject(value)) return "not a JSON object";
  if (typeof value.id !== "string" || value.id === "") return "no id";
  if (value.affected !== undefined && !Array.isArray(value.affected)) return "affected is not a list";
  const affected: OsvAffected[] = [];
  for (const a of (value.affected as unknown[] | undefined) ?? []) {
    if (!isObject(a)) return "an affected entry is not an object";
    const pkg = isObject(a.package) ? a.package : {};
    const ecosystem = optionalString(pkg.ecosystem);
    const name = optionalString(pkg.name);
    if (!ecosystem || !name) continue; // e.g. GIT-only entries name a repository, not a package
    const ranges: OsvRange[] = [];
    for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
      if (!isObject(r) || typeof r.type !== "string" || !Array.isArray(r.events))
        return "a range is malformed";
      const events: OsvEvent[] = [];
      for (const e of r.events) {
        if (!isObject(e)) return "a range event is not an object";
        for (const kind of ["introduced", "fixed", "last_affected", "limit"] as const) {
          if (typeof e[kind] === "string") events.push({ kind, version: e[kind] });
        }
      }
      ranges.push({ type: r.type, events });
    }
    affected.push({
      ecosystem,
      name,
      ranges,
      versions: strings(a.versions),
      severity: severityWord(a.database_specific, a.ecosystem_specific),
    });
  }
  const severity = (Array.isArray(value.severity) ? value.severity : []).flatMap((s) =>
    isObject(s) && typeof s.type === "string" && typeof s.score === "string"
      ? [{ type: s.type, score: s.score }]
      : [],
  );
  return {
    id: value.id,
    aliases: strings(value.aliases),
    summary: optionalString(value.summary),
    details: optionalString(value.details),
    modified: optionalString(value.modified),
    published: optionalString(value.published),
    withdrawn: optionalString(value.withdrawn),
    severity,
    affected,
    databaseSeverity: severityWord(value.database_specific),
  };
}
