/**
 * A finding's severity from an OSV record: the CVSS v4.0 score when the record has a vector this
 * code can score, else the CVSS v3.x score, else the database's own word (GitHub's CRITICAL /
 * HIGH / MODERATE / LOW, in `database_specific` of the record or of an affected entry). A record
 * with none of these is rated medium, and says so in `source`.
 */
import type { ScanSeverity } from "../types";
import { cvss3BaseScore, cvss4Score, cvssSeverity } from "./cvss";
import type { OsvRecord } from "./osv";

export interface SeverityAssessment {
  severity: ScanSeverity;
  /** Where the rating came from. */
  source: "cvss_v4" | "cvss_v3" | "database" | "default";
  score?: number;
  vector?: string;
  /** Every CVSS vector the record carries, by type (CVSS_V3, CVSS_V4…). */
  vectors: Record<string, string>;
}

const WORDS: Record<string, ScanSeverity> = {
  CRITICAL: "critical",
  HIGH: "high",
  MODERATE: "medium",
  MEDIUM: "medium",
  LOW: "low",
};

function fromScore(score: number): ScanSeverity {
  const s = cvssSeverity(score);
  return s === "none" ? "info" : s;
}

/** Rates one record. */
export function assessSeverity(record: OsvRecord): SeverityAssessment {
  const vectors: Record<string, string> = {};
  for (const s of record.severity) vectors[s.type] ??= s.score;
  for (const [type, score, source] of [
    ["CVSS_V4", cvss4Score, "cvss_v4"],
    ["CVSS_V3", cvss3BaseScore, "cvss_v3"],
  ] as const) {
    const vector = vectors[type];
    const value = vector === undefined ? undefined : score(vector);
    if (vector !== undefined && value !== undefined)
      return { severity: fromScore(value), source, score: value, vector, vectors };
  }
  const words = [record.databaseSeverity, ...record.affected.map((a) => a.severity)];
  for (const word of words) {
    const severity = word === undefined ? undefined : WORDS[word.toUpperCase()];
    if (severity) return { severity, source: "database", vectors };
  }
  return { severity: "medium", source: "default", vectors };
}

const RANK: Record<ScanSeverity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The more severe of two ratings. */
export function maxSeverity(a: ScanSeverity, b: ScanSeverity): ScanSeverity {
  return RANK[a] >= RANK[b] ? a : b;
}
