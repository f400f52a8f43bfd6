/**
 * The licence policy decision for one declared licence: pure, no package context. SPDX expressions
 * are judged by their alternatives (`MIT OR GPL-3.0-only` is fine when MIT is: the licensee picks),
 * every licence of an alternative must pass (`AND` means all apply), and licence ranges follow
 * spdx-satisfies (`GPL-2.0-or-later` may be used as GPL-3.0-only).
 */
import satisfies from "spdx-satisfies";
import { createError } from "../../core/errors";
import { parseSpdx, renderSpdx, spdxChoices, type NormalizedLicense } from "./normalize";
import type parse from "spdx-expression-parse";

export interface LicensePolicy {
  /**
   * SPDX licence ids a package may use (`MIT`, `GPL-2.0-or-later`, `LicenseRef-acme`, or
   * `UNLICENSED` for private packages). When set, anything not covered is denied.
   */
  allow?: string[];
  /** SPDX licence ids no package may use; `GPL-2.0-or-later` denies version 2 and every later one. */
  deny?: string[];
  /**
   * What a licence Sluice cannot judge becomes — missing, free text, `SEE LICENSE IN`, a
   * `LicenseRef` the allow list does not name, `UNLICENSED` without an allow list: `allow` (counted,
   * no finding), `warn` (medium finding, the default) or `deny` (high finding, counted as denied).
   */
  unknown?: "allow" | "warn" | "deny";
}

/** A policy with every id checked and in canonical form. */
export interface CompiledPolicy {
  allow?: string[];
  deny: string[];
  unknown: "allow" | "warn" | "deny";
}

export type LicenseOutcome = "allowed" | "denied" | "unknown";

export interface LicenseVerdict {
  outcome: LicenseOutcome;
  /** One clause saying why, for the finding message. */
  reason: string;
}

const SPECIAL = new Set(["UNLICENSED"]);

/**
 * Checks and canonicalises the policy's ids (case, deprecated ids: `GPL-2.0` → `GPL-2.0-only`).
 * Throws SLUICE_E_LICENSE_POLICY naming every entry that is not a single SPDX licence id.
 */
export function compilePolicy(policy: LicensePolicy): CompiledPolicy {
  const bad: string[] = [];
  const compile = (list: string[] | undefined) =>
    list?.map((entry) => {
      if (SPECIAL.has(entry.trim().toUpperCase())) return entry.trim().toUpperCase();
      const parsed = parseSpdx(entry);
      if (!parsed || "conjunction" in parsed.ast) bad.push(entry);
      return parsed?.expression ?? entry;
    });
  const compiled: CompiledPolicy = { deny: compile(policy.deny) ?? [], unknown: policy.unknown ?? "warn" };
  const allow = compile(policy.allow);
  if (allow !== undefined) compiled.allow = allow;
  if (bad.length > 0) {
    throw createError(
      "SLUICE_E_LICENSE_POLICY",
      `licence policy entries must be single SPDX licence ids (no AND/OR): ${bad.map((b) => JSON.stringify(b)).join(", ")}`,
    );
  }
  return compiled;
}

/** Judges one normalised licence against a compiled policy. */
export function judgeLicense(license: NormalizedLicense, policy: CompiledPolicy): LicenseVerdict {
  switch (license.status) {
    case "none":
      return { outcome: "unknown", reason: "no licence declared" };
    case "file":
      return { outcome: "unknown", reason: `custom licence in ${license.file} (SEE LICENSE IN)` };
    case "unknown": {
      const hint = license.hint?.length ? `; likely ${license.hint.join(" or ")} (not assumed)` : "";
      return { outcome: "unknown", reason: `"${license.raw}" is not an SPDX licence expression${hint}` };
    }
    case "unlicensed":
      return judgeUnlicensed(policy);
    case "spdx":
      return judgeExpression(license.expression!, policy);
  }
}

function judgeUnlicensed(policy: CompiledPolicy): LicenseVerdict {
  const what = "UNLICENSED (proprietary: no licence granted; not the Unlicense)";
  if (policy.allow?.includes("UNLICENSED")) return { outcome: "allowed", reason: what };
  if (policy.deny.includes("UNLICENSED")) return { outcome: "denied", reason: `${what} is denied` };
  if (policy.allow) return { outcome: "denied", reason: `${what} is not in the allow list` };
  return { outcome: "unknown", reason: what };
}

type Leaf = parse.LicenseInfo;
type ChoiceOutcome = "allowed" | "custom" | "not-allowed" | "denied";
const RANK: Record<ChoiceOutcome, number> = { allowed: 0, custom: 1, "not-allowed": 2, denied: 3 };

function judgeExpression(expression: string, policy: CompiledPolicy): LicenseVerdict {
  const parsed = parseSpdx(expression)!;
  let best: { outcome: ChoiceOutcome; leaves: Leaf[] } | undefined;
  for (const choice of spdxChoices(parsed.ast)) {
    const judged = judgeChoice(choice, policy);
    if (!best || RANK[judged.outcome] < RANK[best.outcome]) best = judged;
  }
  const names = best!.leaves.map((l) => renderSpdx(l)).join(", ");
  switch (best!.outcome) {
    case "allowed":
      return { outcome: "allowed", reason: expression };
    case "custom":
      return {
        outcome: "unknown",
        reason: `${expression}: custom licence ${names} is not in the allow list`,
      };
    case "not-allowed":
      return { outcome: "denied", reason: `${expression}: ${names} not in the allow list` };
    case "denied":
      return { outcome: "denied", reason: `${expression}: ${names} denied by policy` };
  }
}

/** An alternative's outcome and the licences that decide it (the offending ones when it fails). */
function judgeChoice(choice: Leaf[], policy: CompiledPolicy): { outcome: ChoiceOutcome; leaves: Leaf[] } {
  const denied = choice.filter((leaf) => isDenied(leaf, policy.deny));
  if (denied.length > 0) return { outcome: "denied", leaves: denied };
  if (policy.allow === undefined) return { outcome: "allowed", leaves: choice };
  const allow = policy.allow;
  const missing = choice.filter((leaf) => !isAllowed(leaf, allow));
  if (missing.length === 0) return { outcome: "allowed", leaves: choice };
  return missing.every((leaf) => isCustom(leaf))
    ? { outcome: "custom", leaves: missing }
    : { outcome: "not-allowed", leaves: missing.filter((leaf) => !isCustom(leaf)) };
}

function isCustom(leaf: Leaf): boolean {
  return /^(DocumentRef-[^:]+:)?LicenseRef-/.test(leaf.license);
}

function isAllowed(leaf: Leaf, allow: string[]): boolean {
  if (isCustom(leaf)) return allow.includes(renderSpdx(leaf));
  return safeSatisfies(
    renderSpdx(leaf),
    allow.filter((a) => !SPECIAL.has(a) && !isCustom({ license: a })),
  );
}

/**
 * A licence is denied when every way of using it is: `GPL-3.0-only` by a deny of `GPL-3.0-only` or
 * `GPL-2.0-or-later`; `GPL-2.0-or-later` only by an or-later deny reaching down to version 2, since
 * otherwise the licensee may still pick a version the policy does not deny.
 */
function isDenied(leaf: Leaf, deny: string[]): boolean {
  if (deny.length === 0) return false;
  if (isCustom(leaf)) return deny.includes(renderSpdx(leaf));
  const list = deny.filter((d) => !SPECIAL.has(d) && !isCustom({ license: d }));
  const orLater = leaf.plus === true || leaf.license.endsWith("-or-later");
  if (!orLater) return safeSatisfies(renderSpdx(leaf), list);
  const lowest = { ...leaf, license: leaf.license.replace(/-or-later$/, "-only") };
  delete lowest.plus;
  const rangeDenies = list.filter((d) => d.endsWith("-or-later") || d.endsWith("+"));
  return safeSatisfies(renderSpdx(lowest), rangeDenies);
}

function safeSatisfies(expression: string, list: string[]): boolean {
  if (list.length === 0) return false;
  try {
    return satisfies(expression, list);
  } catch {
    return false;
  }
}
