/**
 * `sluice scan secrets` through the real CLI: a value repeated on its line never shows in JSON or
 * SARIF, history findings name their commit, author and date, files over the size limit are noted
 * (and the limit can be raised), and baselines say what they did or fail when mistyped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Ajv from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { initRepo, makeTempDir } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

const require = createRequire(import.meta.url);
const value = "Zq8vLm2xR7tYp4Kw9s";
const pat = "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6";

function sarifErrors(doc: unknown): unknown[] {
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  ajv.validate(schema, doc);
  return ajv.errors ?? [];
}

let repo: string;

beforeAll(() => {
  repo = makeTempDir("sluice-scan-secrets-");
  writeFileSync(
    path.join(repo, "conf.py"),
    `db_password = "${value}"  # rotate: echo ${value} | passwd --stdin\n`,
  );
  writeFileSync(path.join(repo, "creds.py"), `x = 1\ntoken = "${pat}"\n`);
  writeFileSync(path.join(repo, "sluice.yml"), "version: 1\n");
  initRepo(repo);
  // Untracked, and over the default 10 MiB limit.
  writeFileSync(path.join(repo, "dump.sql"), "-- ".repeat(3.6 * 1024 * 1024) + `\ntoken = "${pat}"\n`);
});

describe("sluice scan secrets", () => {
  it("keeps every occurrence of a value out of JSON and SARIF; v2 fingerprints; notes a skipped file", async () => {
    const result = await runSluice(["scan", "secrets", "--json", "--sarif", "out/s.sarif"], { cwd: repo });
    expect(result.code, result.stderr).toBe(1);
    const sarifText = readFileSync(path.join(repo, "out/s.sarif"), "utf8");
    for (const text of [result.stdout, sarifText]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(pat);
    }
    const [secrets] = JSON.parse(result.stdout).results;
    const conf = secrets.findings.find((f: { file: string }) => f.file === "conf.py");
    expect(conf.snippet).toBe('db_password = "Zq8v****"  # rotate: echo Zq8v**** | passwd --stdin');
    expect(secrets.notes).toEqual([
      expect.stringMatching(/^1 file\(s\) over 10 MiB .*the largest: dump\.sql, 10\.8 MiB/),
    ]);
    const sarif = JSON.parse(sarifText);
    expect(sarifErrors(sarif)).toEqual([]);
    const run = sarif.runs[0];
    expect(
      run.results.map((r: { partialFingerprints: object }) => Object.keys(r.partialFingerprints)),
    ).toEqual([["sluice/v2"], ["sluice/v2"]]);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain("dump.sql");
  });

  it("scans larger files with --max-file-size or scan.secrets.maxFileSize; rejects a bad size", async () => {
    const flag = await runSluice(["scan", "secrets", "--max-file-size", "20MiB", "--fail-on", "none"], {
      cwd: repo,
    });
    expect(flag.stdout).toMatch(/dump\.sql:2:10/);
    expect(flag.stdout).not.toContain("note:");
    writeFileSync(path.join(repo, "sluice.yml"), "version: 1\nscan:\n  secrets:\n    maxFileSize: 12MiB\n");
    try {
      const configured = await runSluice(["scan", "secrets", "--fail-on", "none"], { cwd: repo });
      expect(configured.stdout).toMatch(/dump\.sql:2:10/);
    } finally {
      writeFileSync(path.join(repo, "sluice.yml"), "version: 1\n");
    }
    const bad = await runSluice(["scan", "secrets", "--max-file-size", "big"], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("SLUICE_E_USAGE: --max-file-size must be");
  });

  it("shows the commit, author and date of history findings in the table and the summary", async () => {
    const result = await runSluice(["scan", "secrets", "--history", "--summary", "out/h.md"], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /creds\.py:2:10 {2}.*ghp_\*\*\*\*\n {11}commit [0-9a-f]{7} by Sluice Test <test@sluice\.invalid> on \d{4}-\d\d-\d\d\n/,
    );
    const md = readFileSync(path.join(repo, "out/h.md"), "utf8");
    expect(md).toContain("| Severity | Rule | Where | Commit | Finding |");
    expect(md).toMatch(/\| creds\.py:2:10 \| [0-9a-f]{7} by Sluice Test &lt;test@sluice\.invalid&gt; on /);
  });

  it("says how many fingerprints --write-baseline wrote; a missing --baseline fails with exit 2", async () => {
    const written = await runSluice(
      ["scan", "secrets", "--write-baseline", "--baseline", ".sluice/secrets-baseline.json"],
      { cwd: repo },
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(
      /^secrets: wrote 2 fingerprint\(s\) to \.sluice\/secrets-baseline\.json, 1 note\(s\)$/m,
    );
    const again = await runSluice(["scan", "secrets", "--baseline", ".sluice/secrets-baseline.json"], {
      cwd: repo,
    });
    expect(again.code, again.stdout).toBe(0);
    const missing = await runSluice(["scan", "secrets", "--baseline", "typo.json"], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/SLUICE_E_SECRETS_CONFIG: the baseline does not exist/);
  });
});
