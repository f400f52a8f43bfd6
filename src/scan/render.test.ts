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

const history: ScanResult = {
  ...base,
  kind: "secrets",
  findings: [
    {
      kind: "secrets",
      ruleId: "github-pat",
      severity: "high",
      message: "GitHub token: ghp_****",
      file: "creds.py",
      line: 2,
      column: 22,
      fingerprint: "fp",
      commit: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
      author: "Jane Doe <jane@example.com>",
      date: "2024-05-01T10:00:00+02:00",
    },
  ],
};
const written: ScanResult = { ...base, kind: "secrets", outcome: "wrote 3 fingerprint(s) to b.json" };

describe("secrets findings and outcomes", () => {
  it("show a history finding's commit, author and date in the table and the summary", () => {
    expect(renderScanText([history], false)).toContain(
      "creds.py:2:22  GitHub token: ghp_****\n           commit 1a2b3c4 by Jane Doe <jane@example.com> on 2024-05-01\n",
    );
    const md = renderScanMarkdown([history]);
    expect(md).toContain("| Severity | Rule | Where | Commit | Finding |\n|---|---|---|---|---|");
    expect(md).toContain(
      "| high | `github-pat` | creds.py:2:22 | 1a2b3c4 by Jane Doe &lt;jane@example.com&gt; on 2024-05-01 | GitHub token: ghp_**** |",
    );
    // Tree findings keep four columns.
    expect(
      renderScanMarkdown([{ ...history, findings: [{ ...history.findings[0]!, commit: undefined }] }]),
    ).toContain("| Severity | Rule | Where | Finding |");
  });

  it("say what a scan did instead of 'no findings' (a written baseline)", () => {
    expect(renderScanText([written], false)).toBe("secrets: wrote 3 fingerprint(s) to b.json\n");
    expect(renderScanText([{ ...written, notes: ["n"] }], false)).toContain(
      "secrets: wrote 3 fingerprint(s) to b.json, 1 note(s)",
    );
    expect(renderScanMarkdown([written])).toContain(
      "### ✅ Scan `secrets`: wrote 3 fingerprint(s) to b.json",
    );
  });
});
