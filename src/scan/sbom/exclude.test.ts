import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { quickExclude, readScanExclude } from "./exclude";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(sluiceYml?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-exclude-"));
  dirs.push(dir);
  if (sluiceYml !== undefined) writeFileSync(path.join(dir, "sluice.yml"), sluiceYml);
  return dir;
}

// Each is read either exactly as `yaml` reads it, or not at all (left to the full loader).
const CASES = [
  'version: 1\nscan:\n  exclude: ["test/fixtures/**", "examples/**/node_modules/**"]\n',
  "version: 1\nscan:\n  exclude: ['a/**', b/c.txt , \"d\"]   # comment\n  license: { unknown: warn }\n",
  "scan:\n  secrets:\n    exclude: [nope]\n  exclude:\n    - test/**\n    # a comment\n    - 'it''s/**'\n  deps: {}\n",
  'scan:\n  exclude:\n  - at/same/indent\n  - "quoted #not-a-comment"\n  license:\n    unknown: warn\n',
  "gates: {}\nscan:\n  license:\n    unknown: warn\n",
  "scan:\n  exclude: []\n",
  "scan:\n  exclude: [a, b,]\n",
  "version: 1\n",
  // Left to the full loader: an alias, an escape, a flow mapping, a number, a multi-line list.
  "scan:\n  exclude: [*.min.js]\n",
  'scan:\n  exclude: ["a\\tb"]\n',
  "scan: { exclude: [a] }\n",
  "scan:\n  exclude: [1]\n",
  "scan:\n  exclude: [\n    a, b]\n",
  "scan:\n  exclude:\n    - &x a\n",
  "scan:\n  exclude: a/**\n",
];

describe("quickExclude", () => {
  it.each(CASES)("reads %j as yaml does, or leaves it", (text) => {
    const quick = quickExclude(text);
    if (quick === undefined) return;
    const doc = parse(text) as { scan?: { exclude?: unknown } } | null;
    expect(quick).toEqual(doc?.scan?.exclude ?? []);
  });

  it("reads the common shapes itself", () => {
    for (const text of CASES.slice(0, 8)) expect(quickExclude(text), text).toBeDefined();
    expect(quickExclude(CASES[2]!)).toEqual(["test/**", "it's/**"]);
    for (const text of CASES.slice(8)) expect(quickExclude(text), text).toBeUndefined();
  });
});

describe("readScanExclude", () => {
  it("is empty without sluice.yml or without an exclude", async () => {
    expect(await readScanExclude(repo())).toEqual([]);
    expect(await readScanExclude(repo("version: 1\n"))).toEqual([]);
  });

  it("falls back to the validating loader for unusual shapes", async () => {
    expect(await readScanExclude(repo('version: 1\nscan: { exclude: ["x/**"] }\n'))).toEqual(["x/**"]);
    await expect(readScanExclude(repo("version: 1\nscan:\n  exclude: a/**\n"))).rejects.toSatisfy(
      (err) => isSluiceError(err) && err.code === "SLUICE_E_CONFIG",
    );
  });
});
