import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readOsvRecord, type OsvAffected, type OsvEvent, type OsvRecord } from "./osv";
import { inRange, isAffected, lowestFix, versionOrder } from "./osv-match";

const db = new URL("../../../test/fixtures/scan/osv/db/", import.meta.url);
function record(path: string): OsvRecord {
  const r = readOsvRecord(JSON.parse(readFileSync(new URL(path, db), "utf8")));
  if (typeof r === "string") throw new Error(r);
  return r;
}
function affected(r: OsvRecord, version: string): boolean {
  return r.affected.some((a) => isAffected(a, version));
}
const ev = (kind: OsvEvent["kind"], version: string): OsvEvent => ({ kind, version });

describe("OSV range evaluation", () => {
  it("matches real npm advisories by SemVer", () => {
    const qs = record("npm/GHSA-hrpp-h998-j3pp.json");
    expect(["6.7.0", "6.7.2", "6.2.3", "6.10.2"].map((v) => affected(qs, v))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["6.7.3", "6.11.0", "6.2.4", "6.10.3"].map((v) => affected(qs, v))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const semver = record("npm/GHSA-c2qf-rxjj-qqgw.json");
    expect(["7.3.7", "6.3.0", "5.7.1"].map((v) => affected(semver, v))).toEqual([true, true, true]);
    expect(["7.5.2", "6.3.1", "5.7.2"].map((v) => affected(semver, v))).toEqual([false, false, false]);
    const express = record("npm/GHSA-rv95-896h-c2vc.json");
    expect(["4.17.1", "5.0.0-beta.1", "5.0.0-alpha.1"].map((v) => affected(express, v))).toEqual([
      true,
      true,
      true,
    ]);
    expect(["4.19.2", "5.0.0-beta.3", "5.0.0"].map((v) => affected(express, v))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("matches PyPI advisories by PEP 440, whatever the event order", () => {
    const django = record("PyPI/PYSEC-2022-190.json"); // events listed 4.0, 3.2, 2.2: unsorted
    expect(["3.2.4", "3.2", "2.2.27", "4.0.3"].map((v) => affected(django, v))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["3.2.13", "3.1.14", "4.0.4", "2.1"].map((v) => affected(django, v))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const urllib3 = record("PyPI/GHSA-q2q7-5pp4-w6pg.json");
    expect(["1.26.4", "1.25.4", "1.26.5", "1.25.3", "1.26.5rc1"].map((v) => affected(urllib3, v))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });

  it("reads `versions` lists with PEP 440 spelling differences and skips GIT ranges", () => {
    const requests = record("PyPI/PYSEC-2023-74.json");
    const entry: OsvAffected = { ...requests.affected[0]!, ranges: [] };
    expect(isAffected(entry, "2.25.1")).toBe(true);
    expect(isAffected(entry, "2.3")).toBe(true); // "2.3.0" in the list
    expect(isAffected(entry, "2.31.0")).toBe(false);
    const gitOnly: OsvAffected = {
      ...entry,
      versions: [],
      ranges: requests.affected[0]!.ranges.filter((r) => r.type === "GIT"),
    };
    expect(isAffected(gitOnly, "2.25.1")).toBe(false);
  });

  it("closes ranges after last_affected and caps them with limit", () => {
    const order = versionOrder("npm");
    expect(inRange("1.5.0", [ev("introduced", "1.0.0"), ev("last_affected", "1.5.0")], order)).toBe(true);
    expect(inRange("1.5.1", [ev("introduced", "1.0.0"), ev("last_affected", "1.5.0")], order)).toBe(false);
    expect(inRange("2.0.0", [ev("introduced", "0"), ev("limit", "2.0.0")], order)).toBe(false);
    expect(inRange("1.9.9", [ev("introduced", "0"), ev("limit", "2.0.0")], order)).toBe(true);
    expect(inRange("3.0.0", [ev("introduced", "0"), ev("limit", "*")], order)).toBe(true);
    expect(inRange("0.0.1", [ev("introduced", "0")], order)).toBe(true);
    expect(inRange("not-a-version", [ev("introduced", "1.0.0")], order)).toBeUndefined();
  });

  it("finds the lowest fixed version above the installed one", () => {
    expect(lowestFix(record("npm/GHSA-hrpp-h998-j3pp.json").affected, "6.7.0")).toBe("6.7.3");
    expect(lowestFix(record("npm/GHSA-c2qf-rxjj-qqgw.json").affected, "6.0.0")).toBe("6.3.1");
    expect(lowestFix(record("PyPI/GHSA-2gwj-7jmv-h26r.json").affected, "3.2.4")).toBe("3.2.13");
    expect(lowestFix(record("PyPI/GHSA-v845-jxx5-vc9f.json").affected, "1.26.4")).toBe("1.26.17");
    const reintroduced: OsvAffected = {
      ecosystem: "npm",
      name: "x",
      versions: [],
      ranges: [
        {
          type: "SEMVER",
          events: [
            ev("introduced", "0"),
            ev("fixed", "1.2.0"),
            ev("introduced", "1.2.0"),
            ev("fixed", "1.4.0"),
          ],
        },
      ],
    };
    expect(lowestFix([reintroduced], "1.0.0")).toBe("1.4.0");
  });
});
