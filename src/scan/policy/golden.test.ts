/**
 * Golden policy scan of test/fixtures/scan/policy/repo: realistic manifests, Dockerfiles and
 * workflows, each file named good-* / bad-* (or in good/ and bad/ folders). Every built-in rule must
 * fire on a bad file and stay silent on every good one; the full list of findings is compared with
 * repo.expected.json. SLUICE_UPDATE_GOLDEN=1 rewrites it; review the diff before keeping it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { ScanFinding, ScanResult } from "../types";
import { builtinPolicyRules } from "./rules/index";
import { scanPolicy } from "./scan";

const root = fileURLToPath(new URL("../../../test/fixtures/scan/policy/repo", import.meta.url));
const expectedFile = fileURLToPath(
  new URL("../../../test/fixtures/scan/policy/repo.expected.json", import.meta.url),
);
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";

let result: ScanResult;
beforeAll(async () => {
  result = await scanPolicy({ root });
});

const isBad = (f: ScanFinding): boolean => /(^|\/)bad[-/]/.test(f.file ?? "");
const isGood = (f: ScanFinding): boolean => /(^|\/)good[-/]/.test(f.file ?? "");

describe("built-in policy pack on the fixture repository", () => {
  it("reads every fixture kind and skips what is not an input", () => {
    expect(result.stats).toMatchObject({ kubernetes: 2, dockerfiles: 2, workflows: 5, files: 9 });
    const files = new Set(result.findings.map((f) => f.file));
    expect([...files].some((f) => f?.startsWith("config/"))).toBe(false);
  });

  it.each(builtinPolicyRules.map((r) => [r.id]))(
    "%s fires on a bad fixture and never on a good one",
    (id) => {
      const mine = result.findings.filter((f) => f.ruleId === id);
      expect(mine.filter(isBad).length, `${id} found nothing in the bad fixtures`).toBeGreaterThan(0);
      expect(mine.filter(isGood)).toEqual([]);
    },
  );

  it("reports no evaluation errors and only the pack's rules", () => {
    const ids = new Set(builtinPolicyRules.map((r) => r.id));
    expect(result.findings.filter((f) => f.properties?.evaluationError)).toEqual([]);
    expect(result.findings.every((f) => ids.has(f.ruleId) && f.kind === "policy")).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual([...ids]);
  });

  it("matches repo.expected.json", () => {
    const actual = result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      at: `${f.file}:${f.line}:${f.column}`,
      object: f.properties?.object,
      message: f.message,
    }));
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    expect(existsSync(expectedFile), `${expectedFile} is missing (SLUICE_UPDATE_GOLDEN=1 writes it)`).toBe(
      true,
    );
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
  });

  it("gives every finding a distinct fingerprint", () => {
    const prints = result.findings.map((f) => f.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
  });
});
