/**
 * What a secrets scan outputs, end to end through scanSecrets: redaction of repeated values, v2
 * fingerprints, history provenance, notes about skipped files, baselines old and new.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { scanSecrets } from "./scan-secrets";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-secrets-out-"));
  dirs.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const who = ["-c", "user.name=Jane Doe", "-c", "user.email=jane@example.com"];
  return execFileSync("git", [...who, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, GIT_AUTHOR_DATE: "2024-05-01T10:00:00+02:00" },
  }).trim();
}

const value = "Zq8vLm2xR7tYp4Kw9s";
const line = `db_password = "${value}"  # rotate: echo ${value} | passwd --stdin`;
const pat = "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6";

describe("secrets output: redaction", () => {
  it("masks every occurrence of a value on the line, not only the detected one", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "conf.py"), line + "\n");
    const result = await scanSecrets({ root: dir });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.snippet).toBe(
      'db_password = "Zq8v****"  # rotate: echo Zq8v**** | passwd --stdin',
    );
    expect(JSON.stringify(result)).not.toContain(value);
  });

  it("masks in history too, and a value found in one file wherever another finding shows it", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "conf.py"), line + "\n");
    // No rule would detect the value here (no keyword); the token beside it is detected.
    writeFileSync(path.join(dir, "notes.txt"), `old ${value} new ${pat}\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "add");
    for (const mode of ["tree", "history"] as const) {
      const result = await scanSecrets({ root: dir, mode, threads: 1 });
      expect(result.findings.map((f) => f.file)).toEqual(["conf.py", "notes.txt"]);
      expect(JSON.stringify(result), mode).not.toContain(value);
      expect(result.findings[1]!.snippet).toBe("old Zq8v**** new ghp_****");
    }
  });
});

describe("secrets output: fingerprints", () => {
  it("hold no hash of the value, differ per line, and survive lines moving and re-indenting", async () => {
    const dir = tempDir();
    const file = path.join(dir, ".env");
    writeFileSync(file, `A_TOKEN=${pat}\nB_TOKEN=${pat}\nA_TOKEN=${pat}\n`);
    const before = (await scanSecrets({ root: dir })).findings.map((f) => f.fingerprint);
    expect(before).toHaveLength(3);
    // The same value on three lines, two of them identical: three fingerprints.
    expect(new Set(before).size).toBe(3);
    const digest = createHash("sha256").update(pat).digest("hex");
    for (const fp of before) {
      expect(fp).toMatch(/^\.env:github-pat:[0-9a-f]{32}$/);
      expect(fp).not.toContain(digest.slice(0, 16));
    }
    writeFileSync(file, `# moved\n\n  A_TOKEN=${pat}\nB_TOKEN=${pat}\nA_TOKEN=${pat}\n`);
    const after = (await scanSecrets({ root: dir })).findings.map((f) => f.fingerprint);
    expect(after).toEqual(before);
  });

  it("name a place, not a value: a value replaced in place keeps its fingerprint (see docs)", async () => {
    const dir = tempDir();
    const other = "ghp_" + "Zz9yXx8wVv7uTt6sRr5qPp4oNn3mMl2kKj1i";
    writeFileSync(path.join(dir, ".env"), `A_TOKEN=${pat}\n`);
    const [before] = (await scanSecrets({ root: dir })).findings;
    writeFileSync(path.join(dir, ".env"), `A_TOKEN=${other}\n`);
    const [after] = (await scanSecrets({ root: dir })).findings;
    expect(after!.fingerprint).toBe(before!.fingerprint);
    // Another kind of key is another rule, so another fingerprint.
    writeFileSync(path.join(dir, ".env"), `A_TOKEN=npm_${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}\n`);
    const [npm] = (await scanSecrets({ root: dir })).findings;
    expect(npm!.ruleId).toBe("npm-access-token");
    expect(npm!.fingerprint).not.toBe(before!.fingerprint);
  });
});

describe("secrets output: history provenance", () => {
  it("gives each history finding its commit, author and author date", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "creds.py"), `x = 1\ntoken = "${pat}"\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "add");
    const sha = git(dir, "rev-parse", "HEAD");
    const [f] = (await scanSecrets({ root: dir, mode: "history" })).findings;
    expect(f).toMatchObject({
      file: "creds.py",
      line: 2,
      commit: sha,
      author: "Jane Doe <jane@example.com>",
      date: "2024-05-01T10:00:00+02:00",
    });
    expect(f!.fingerprint.startsWith(`${sha}:creds.py:github-pat:`)).toBe(true);
  });
});

describe("secrets output: skipped large files", () => {
  it("notes how many files were over the limit and the largest; maxFileBytes raises it", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "big.txt"), `${pat}\n${"x".repeat(3000)}`);
    writeFileSync(path.join(dir, "bigger.txt"), `${pat}\n${"x".repeat(6000)}`);
    const small = await scanSecrets({ root: dir, maxFileBytes: 2048 });
    expect(small.findings).toEqual([]);
    expect(small.notes).toEqual([
      "2 file(s) over 2 KiB not scanned for secrets (the largest: bigger.txt, 5.9 KiB); " +
        "raise the limit with scan.secrets.maxFileSize in sluice.yml or --max-file-size",
    ]);
    expect(small.stats).not.toHaveProperty("largest");
    const raised = await scanSecrets({ root: dir, maxFileBytes: 10_000 });
    expect(raised.findings).toHaveLength(2);
    expect(raised.notes).toBeUndefined();
  });
});

describe("secrets output: baselines", () => {
  it("says how many fingerprints it wrote; a missing --baseline is an error", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.env"), `A_TOKEN=${pat}\nB_TOKEN=${pat}\n`);
    const written = await scanSecrets({ root: dir, baselinePath: "b.json", writeBaseline: true });
    expect(written.outcome).toBe("wrote 2 fingerprint(s) to b.json");
    const file = JSON.parse(readFileSync(path.join(dir, "b.json"), "utf8"));
    expect(file.version).toBe(2);
    expect((await scanSecrets({ root: dir, baselinePath: "b.json" })).findings).toEqual([]);

    const err = await scanSecrets({ root: dir, baselinePath: "typo.json" }).catch((e: unknown) => e);
    expect(isSluiceError(err) && [err.code, err.exitCode]).toEqual(["SLUICE_E_SECRETS_CONFIG", 2]);
    const optional = await scanSecrets({ root: dir, baselinePath: "typo.json", baselineOptional: true });
    expect(optional.findings).toHaveLength(2);
  });

  it("still honours sluice/v1 baselines, with a note asking to rewrite them", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.env"), `A_TOKEN=${pat}\n`);
    const v1 = `a.env:github-pat:${createHash("sha256").update(pat).digest("hex")}`;
    writeFileSync(path.join(dir, "old.json"), JSON.stringify({ version: 1, fingerprints: [v1] }));
    const result = await scanSecrets({ root: dir, baselinePath: "old.json" });
    expect(result.findings).toEqual([]);
    expect(result.stats.baselined).toBe(1);
    expect(result.notes).toEqual([
      expect.stringMatching(/^old\.json holds 1 sluice\/v1 fingerprint\(s\).*--write-baseline/),
    ]);
  });
});
