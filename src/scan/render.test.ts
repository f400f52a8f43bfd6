import { describe, expect, it } from "vitest";
import { renderScanMarkdown, renderScanText } from "./render";
import type { ScanResult } from "./types";

const base = { tool: { name: "t", version: "1" }, rules: [], findings: [], stats: {} };
const notRun: ScanResult = {
  ...base,
  kind: "deps",
  notRun: "no advisory database; import one with `sluice db import <all.zip>`",
};
const named: ScanResult = {
  ...notRun,
  errors: [{ code: "SLUICE_E_ADVISORY_DB", message: `deps was not run: ${notRun.notRun}` }],
};
const noted: ScanResult = {
  ...base,
  kind: "deps",
  notes: [
    "requirements.txt:3: django is not pinned",
    "no advisories for ecosystem npm in the database (osv)",
  ],
};
const broken: ScanResult = {
  ...base,
  kind: "policy",
  errors: [
    {
      code: "SLUICE_E_POLICY",
      message: "rule prod could not be evaluated on Pod/p: No such key: metadata",
      location: { file: "k8s/pod.yaml", line: 4, column: 1 },
    },
  ],
};
const clean: ScanResult = { ...base, kind: "secrets" };

describe("renderScanText", () => {
  it("says not run, lists notes and errors, and keeps 'no findings' for a clean scan", () => {
    const text = renderScanText([notRun, noted, broken, clean], false);
    expect(text).toBe(
      [
        "deps: not run: no advisory database; import one with `sluice db import <all.zip>`",
        "deps: no findings, 2 note(s)",
        "  note: requirements.txt:3: django is not pinned",
        "  note: no advisories for ecosystem npm in the database (osv)",
        "policy: no findings, but 1 error(s): the scan is incomplete",
        "  ERROR    SLUICE_E_POLICY              k8s/pod.yaml:4:1: rule prod could not be evaluated on Pod/p: No such key: metadata",
        "secrets: no findings",
        "",
      ].join("\n"),
    );
  });

  it("says a named scanner's not-run error once", () => {
    expect(renderScanText([named], false)).toBe(
      "deps: not run: no advisory database; import one with `sluice db import <all.zip>`\n",
    );
    const md = renderScanMarkdown([named]);
    expect(md).toContain("### ❌ Scan `deps`: not run");
    expect(md).not.toContain("SLUICE_E_ADVISORY_DB");
  });

  it("caps the notes", () => {
    const many = { ...noted, notes: Array.from({ length: 5 }, (_, i) => `n${i}`) };
    expect(renderScanText([many], false, 50, 2)).toContain("… and 3 more note(s)");
  });
});

describe("renderScanMarkdown", () => {
  it("never shows a green check for a scan that did not run, had notes or errors", () => {
    const md = renderScanMarkdown([notRun, noted, broken, clean]);
    expect(md).toContain("### ⚠️ Scan `deps`: not run\n\n**Not run:** no advisory database");
    expect(md).toContain("### ⚠️ Scan `deps`: 0 finding(s)\n\n- ⚠️ requirements.txt:3: django is not pinned");
    expect(md).toContain(
      "### ❌ Scan `policy`: 0 finding(s)\n\n- ❌ `SLUICE_E_POLICY` k8s/pod.yaml:4:1: rule prod could not be evaluated",
    );
    expect(md).toContain("### ✅ Scan `secrets`: 0 finding(s)");
    expect(md.match(/✅/g)).toHaveLength(1);
  });
});
