/**
 * CVSS base scores from vector strings. v3.0/v3.1 use the specification's base equations
 * (v3.1 section 7.1, with its Roundup). v4.0 uses the specification's MacroVector method:
 * the vector's equivalence classes (EQ1–EQ6) pick a score from the published lookup table,
 * refined by the vector's severity distance from the class's highest-severity vectors.
 */
import { CVSS40_MACRO_SCORES } from "./cvss40-table";

export type CvssSeverity = "critical" | "high" | "medium" | "low" | "none";

/** The qualitative rating both versions share: 9.0 critical, 7.0 high, 4.0 medium, 0.1 low. */
export function cvssSeverity(score: number): CvssSeverity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score >= 0.1) return "low";
  return "none";
}

/** `CVSS:3.1/AV:N/...` → metric map, when the prefix matches and no metric repeats. */
function metrics(vector: string, prefix: RegExp): Map<string, string> | undefined {
  const parts = vector.trim().split("/");
  if (!prefix.test(parts.shift() ?? "")) return undefined;
  const out = new Map<string, string>();
  for (const part of parts) {
    const [key, value, extra] = part.split(":");
    if (!key || !value || extra !== undefined || out.has(key)) return undefined;
    out.set(key, value);
  }
  return out;
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** v3.1 Roundup: the smallest one-decimal number ≥ x, immune to floating-point noise. */
function roundUp(x: number): number {
  const scaled = Math.round(x * 100000);
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10;
}

/** CVSS v3.0/v3.1 base score; undefined for a malformed vector. */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = metrics(vector, /^CVSS:3\.[01]$/);
  if (!m) return undefined;
  const pick = <T extends Record<string, number>>(table: T, key: string): number | undefined =>
    Object.hasOwn(table, m.get(key) ?? "") ? table[m.get(key) as keyof T] : undefined;
  const scope = m.get("S");
  const av = pick(V3.AV, "AV");
  const ac = pick(V3.AC, "AC");
  const ui = pick(V3.UI, "UI");
  const c = pick(V3.CIA, "C");
  const i = pick(V3.CIA, "I");
  const a = pick(V3.CIA, "A");
  const changed = scope === "C";
  const pr = pick(changed ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 }, "PR");
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined) return undefined;
  if (c === undefined || i === undefined || a === undefined || (scope !== "U" && scope !== "C"))
    return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}

// v4.0 metric values, base first (all mandatory), then the optional threat/environmental ones.
const V4_VALUES: Record<string, string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  AT: ["N", "P"],
  PR: ["N", "L", "H"],
  UI: ["N", "P", "A"],
  VC: ["H", "L", "N"],
  VI: ["H", "L", "N"],
  VA: ["H", "L", "N"],
  SC: ["H", "L", "N"],
  SI: ["H", "L", "N"],
  SA: ["H", "L", "N"],
  E: ["X", "A", "P", "U"],
  CR: ["X", "H", "M", "L"],
  IR: ["X", "H", "M", "L"],
  AR: ["X", "H", "M", "L"],
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MAT: ["X", "N", "P"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "P", "A"],
  MVC: ["X", "H", "L", "N"],
  MVI: ["X", "H", "L", "N"],
  MVA: ["X", "H", "L", "N"],
  MSC: ["X", "H", "L", "N"],
  MSI: ["X", "S", "H", "L", "N"],
  MSA: ["X", "S", "H", "L", "N"],
};
const V4_BASE = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];
// Supplemental metrics do not change the score but may appear in a vector.
const V4_SUPPLEMENTAL = new Set(["S", "AU", "R", "V", "RE", "U"]);

// Distance of each value from the most severe one, in steps of 0.1 (the spec's "levels").
const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0, L: 0.1, H: 0.2 },
  UI: { N: 0, P: 0.1, A: 0.2 },
  AC: { L: 0, H: 0.1 },
  AT: { N: 0, P: 0.1 },
  VC: { H: 0, L: 0.1, N: 0.2 },
  VI: { H: 0, L: 0.1, N: 0.2 },
  VA: { H: 0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0, M: 0.1, L: 0.2 },
  IR: { H: 0, M: 0.1, L: 0.2 },
  AR: { H: 0, M: 0.1, L: 0.2 },
};

// The highest-severity vectors of each equivalence class (EQ3 and EQ6 are taken together).
const MAX_VECTORS: Record<string, Record<string, string[]>> = {
  eq1: {
    0: ["AV:N/PR:N/UI:N"],
    1: ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"],
    2: ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"],
  },
  eq2: { 0: ["AC:L/AT:N"], 1: ["AC:H/AT:N", "AC:L/AT:P"] },
  eq3eq6: {
    "00": ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
    "01": ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"],
    "10": ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
    "11": [
      "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H",
      "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
      "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
      "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
      "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M",
    ],
    "21": ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"],
  },
  eq4: { 0: ["SC:H/SI:S/SA:S"], 1: ["SC:H/SI:H/SA:H"], 2: ["SC:L/SI:L/SA:L"] },
};
// The depth of each class: its largest severity distance plus one step.
const MAX_DEPTH: Record<string, Record<string, number>> = {
  eq1: { 0: 1, 1: 4, 2: 5 },
  eq2: { 0: 1, 1: 2 },
  eq3eq6: { "00": 7, "01": 6, "10": 8, "11": 8, "21": 10 },
  eq4: { 0: 6, 1: 5, 2: 4 },
};

/** CVSS v4.0 score (base, or with threat/environmental metrics when given); undefined if malformed. */
export function cvss4Score(vector: string): number | undefined {
  const m = metrics(vector, /^CVSS:4\.0$/);
  if (!m) return undefined;
  for (const [key, value] of m) {
    if (V4_SUPPLEMENTAL.has(key)) continue;
    if (!V4_VALUES[key]?.includes(value)) return undefined;
  }
  if (V4_BASE.some((k) => !m.has(k))) return undefined;

  // Modified metrics override base ones; unset threat and requirements take their worst case.
  const get = (key: string): string => {
    const worst: Record<string, string> = { E: "A", CR: "H", IR: "H", AR: "H" };
    const own = m.get(key) ?? "X";
    if (own === "X" && worst[key]) return worst[key]!;
    const modified = m.get(`M${key}`);
    return modified && modified !== "X" ? modified : own;
  };
  if (["VC", "VI", "VA", "SC", "SI", "SA"].every((k) => get(k) === "N")) return 0;

  const av = get("AV");
  const pr = get("PR");
  const ui = get("UI");
  const eq1 =
    av === "N" && pr === "N" && ui === "N"
      ? 0
      : (av === "N" || pr === "N" || ui === "N") && av !== "P"
        ? 1
        : 2;
  const eq2 = get("AC") === "L" && get("AT") === "N" ? 0 : 1;
  const vc = get("VC");
  const vi = get("VI");
  const va = get("VA");
  const eq3 = vc === "H" && vi === "H" ? 0 : vc === "H" || vi === "H" || va === "H" ? 1 : 2;
  const eq4 =
    get("MSI") === "S" || get("MSA") === "S"
      ? 0
      : get("SC") === "H" || get("SI") === "H" || get("SA") === "H"
        ? 1
        : 2;
  const eq5 = { A: 0, P: 1, U: 2 }[get("E") as "A" | "P" | "U"];
  const eq6 =
    (get("CR") === "H" && vc === "H") ||
    (get("IR") === "H" && vi === "H") ||
    (get("AR") === "H" && va === "H")
      ? 0
      : 1;

  const macro = (
    e1: number,
    e2: number,
    e3: number,
    e4: number,
    e5: number,
    e6: number,
  ): number | undefined => CVSS40_MACRO_SCORES[`${e1}${e2}${e3}${e4}${e5}${e6}`];
  const value = macro(eq1, eq2, eq3, eq4, eq5, eq6);
  if (value === undefined) return undefined;

  // The next lower MacroVector along each EQ (EQ3+EQ6 may step either way; take the higher).
  const lower = {
    eq1: macro(eq1 + 1, eq2, eq3, eq4, eq5, eq6),
    eq2: macro(eq1, eq2 + 1, eq3, eq4, eq5, eq6),
    eq3eq6:
      eq3 === 0 && eq6 === 0
        ? Math.max(
            macro(eq1, eq2, eq3, eq4, eq5, 1) ?? -Infinity,
            macro(eq1, eq2, 1, eq4, eq5, eq6) ?? -Infinity,
          )
        : eq3 === 1 && eq6 === 0
          ? macro(eq1, eq2, eq3, eq4, eq5, 1)
          : eq3 === 2
            ? undefined
            : macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6),
    eq4: macro(eq1, eq2, eq3, eq4 + 1, eq5, eq6),
    eq5: macro(eq1, eq2, eq3, eq4, eq5 + 1, eq6),
  };

  // The first highest-severity vector the scored vector does not exceed anywhere.
  const eq36 = `${eq3}${eq6}`;
  let distances: Record<string, number> | undefined;
  for (const a of MAX_VECTORS.eq1![eq1]!)
    for (const b of MAX_VECTORS.eq2![eq2]!)
      for (const c of MAX_VECTORS.eq3eq6![eq36]!)
        for (const d of MAX_VECTORS.eq4![eq4]!) {
          if (distances) break;
          const max = new Map(
            [a, b, c, d]
              .join("/")
              .split("/")
              .map((p) => p.split(":") as [string, string]),
          );
          const candidate: Record<string, number> = {};
          for (const key of Object.keys(LEVELS))
            candidate[key] = LEVELS[key]![get(key)]! - LEVELS[key]![max.get(key)!]!;
          if (Object.values(candidate).every((x) => x >= 0)) distances = candidate;
        }
  if (!distances) return undefined;
  const d = distances;
  const current = {
    eq1: d.AV! + d.PR! + d.UI!,
    eq2: d.AC! + d.AT!,
    eq3eq6: d.VC! + d.VI! + d.VA! + d.CR! + d.IR! + d.AR!,
    eq4: d.SC! + d.SI! + d.SA!,
  };
  const depth = {
    eq1: MAX_DEPTH.eq1![eq1]! * 0.1,
    eq2: MAX_DEPTH.eq2![eq2]! * 0.1,
    eq3eq6: MAX_DEPTH.eq3eq6![eq36]! * 0.1,
    eq4: MAX_DEPTH.eq4![eq4]! * 0.1,
  };

  let sum = 0;
  let count = 0;
  for (const key of ["eq1", "eq2", "eq3eq6", "eq4"] as const) {
    const next = lower[key];
    if (next === undefined || !Number.isFinite(next)) continue;
    count++;
    sum += (value - next) * (current[key] / depth[key]);
  }
  // EQ5 (threat) has no depth: a lower class only counts toward the mean.
  if (lower.eq5 !== undefined) count++;
  const score = value - (count === 0 ? 0 : sum / count);
  return Math.round(Math.max(0, Math.min(10, score)) * 10) / 10;
}
