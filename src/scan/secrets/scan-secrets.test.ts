import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { ScanResult } from "../types";
import { defaultThreads, scanSecrets } from "./scan-secrets";

const fixtures = new URL("../../../test/fixtures/scan/secrets/", import.meta.url);
const treeDir = new URL("tree/", fixtures);
const expected = JSON.parse(readFileSync(new URL("tree.expected.json", fixtures), "utf8")) as {
  file: string;
  line: number;
  ruleId: string;
}[];
const planted = JSON.parse(readFileSync(new URL("tree.planted.json", fixtures), "utf8")) as {
  ruleId: string;
  value: string;
}[];
const golden = JSON.parse(readFileSync(new URL("rules.json", fixtures), "utf8")) as Record<
  string,
  { samples: { text: string; secret: string }[] }
>;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-secrets-"));
  dirs.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

function repo(): string {
  const dir = tempDir();
  git(dir, "init", "-q", "-b", "main");
  return dir;
}

const where = (r: ScanResult) => r.findings.map((f) => ({ file: f.file, line: f.line, ruleId: f.ruleId }));

/** No planted value, nor any 8-character piece of one past its first 4, appears anywhere in the output. */
function expectRedacted(output: string, values: string[]): void {
  for (const value of values) {
    expect(output.includes(value), `a planted value leaked: ${value.slice(0, 4)}…`).toBe(false);
    for (let i = 4; i + 8 <= value.length; i += 4) {
      const piece = value.slice(i, i + 8);
      if (/[A-Za-z0-9]{8}/.test(piece))
        expect(output.includes(piece), `a piece leaked: ${piece}`).toBe(false);
    }
  }
}

describe("scanSecrets: working tree", () => {
  it("finds every planted secret of the fixture tree, and nothing else (git repository)", async () => {
    const dir = repo();
    cpSync(treeDir, dir, { recursive: true });
    git(dir, "add", "src", "deploy", "config");
    git(dir, "commit", "-qm", "initial");
    // Ignored files are not what git would commit: not scanned.
    writeFileSync(path.join(dir, ".gitignore"), "ignored/\n");
    mkdirSync(path.join(dir, "ignored"));
    writeFileSync(path.join(dir, "ignored/leak.ts"), golden["github-pat"]!.samples[0]!.text);
    const result = await scanSecrets({ root: dir });
    expect(where(result)).toEqual(expected);
    expect(result.stats.skippedBinary).toBe(1);
    expect(result.kind).toBe("secrets");
    expect(result.rules.length).toBeGreaterThanOrEqual(40);
    const finding = result.findings.find((f) => f.ruleId === "github-pat")!;
    expect(finding).toMatchObject({ severity: "high", file: "src/config/index.ts", line: 16, column: 22 });
    expect(finding.fingerprint).toMatch(/^src\/config\/index\.ts:github-pat:[0-9a-f]{32}$/);
  });

  it("never outputs a planted value: messages, snippets and fingerprints are redacted", async () => {
    const result = await scanSecrets({ root: fileURLToDir(treeDir) });
    expect(result.findings.length).toBe(planted.length);
    expectRedacted(
      JSON.stringify(result),
      planted.map((p) => p.value),
    );
    for (const f of result.findings) expect(f.message).toMatch(/\*\*\*\*$/);
  });

  it("walks the directory when it is not a git repository", async () => {
    const dir = tempDir();
    cpSync(treeDir, dir, { recursive: true });
    mkdirSync(path.join(dir, "ignored"));
    writeFileSync(path.join(dir, ".gitignore"), "ignored/\n");
    writeFileSync(path.join(dir, "ignored/leak.ts"), golden["github-pat"]!.samples[0]!.text);
    const result = await scanSecrets({ root: dir });
    // Without git there is nothing to say what is ignored: everything is read.
    expect(where(result)).toEqual(
      [...expected, { file: "ignored/leak.ts", line: 1, ruleId: "github-pat" }].sort(byPlace),
    );
  });

  it("places secrets after multi-byte characters, bytes that are not UTF-8 and CRLF line ends", async () => {
    const dir = tempDir();
    const pat = golden["github-pat"]!.samples[0]!;
    const generic = golden["generic-secret"]!.samples[0]!;
    writeFileSync(
      path.join(dir, "utf8.txt"),
      `// é 中 😀\r\nconst x = 1; // ü\r\n😀 ${pat.text}\r\n${generic.text}`,
    );
    const invalid = Buffer.from([0xff, 0xfe, 0x0a, 0xc3]);
    writeFileSync(path.join(dir, "latin1.txt"), Buffer.concat([invalid, Buffer.from(`é ${pat.text}\n`)]));
    const result = await scanSecrets({ root: dir });
    const at = result.findings.map((f) => [f.file, f.ruleId, f.line, f.column, f.endColumn]);
    const patColumn = pat.text.indexOf(pat.secret) + 1;
    expect(at).toEqual([
      // The invalid bytes decode to one replacement character each: `\uFFFD\uFFFD\n` then `\uFFFDé `.
      ["latin1.txt", "github-pat", 2, 3 + patColumn, 3 + patColumn + pat.secret.length],
      ["utf8.txt", "github-pat", 3, 3 + patColumn, 3 + patColumn + pat.secret.length],
      [
        "utf8.txt",
        "generic-secret",
        4,
        generic.text.indexOf(generic.secret) + 1,
        generic.text.indexOf(generic.secret) + 1 + generic.secret.length,
      ],
    ]);
  });

  it("skips files over the size limit", async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, "big.txt"),
      golden["github-pat"]!.samples[0]!.text + "\n" + "x".repeat(5000),
    );
    writeFileSync(path.join(dir, "small.txt"), golden["npm-access-token"]!.samples[0]!.text);
    const result = await scanSecrets({ root: dir, maxFileBytes: 1000 });
    expect(where(result).map((f) => f.file)).toEqual(["small.txt"]);
    expect(result.stats.skippedLarge).toBe(1);
  });

  it("does not follow symbolic links", async () => {
    const dir = repo();
    const outside = tempDir();
    writeFileSync(path.join(outside, "secret.txt"), golden["github-pat"]!.samples[0]!.text);
    symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "link.txt"));
    writeFileSync(path.join(dir, "real.txt"), golden["npm-access-token"]!.samples[0]!.text);
    const result = await scanSecrets({ root: dir });
    expect(where(result).map((f) => f.file)).toEqual(["real.txt"]);
    expect(result.stats.skippedSymlinks).toBe(1);
  });

  it("uses the repository's .gitleaks.toml", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ".gitleaks.toml"), "[[rules]]\nid = 'only'\nregex = '''ONLY-[0-9]{6}'''\n");
    writeFileSync(path.join(dir, "a.txt"), `ONLY-123456\n${golden["github-pat"]!.samples[0]!.text}\n`);
    const result = await scanSecrets({ root: dir });
    expect(where(result)).toEqual([{ file: "a.txt", line: 1, ruleId: "only" }]);
    expect(result.rules.map((r) => r.id)).toEqual(["only"]);
  });

  it("fails with a located SLUICE_E_SECRETS_CONFIG for a bad config", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "bad.toml"), "[[rules]]\nid = 'x'\nregex = '''(?=x)'''\n");
    const err = await scanSecrets({ root: dir, configPath: "bad.toml" }).catch((e: unknown) => e);
    expect(isSluiceError(err) && err.code).toBe("SLUICE_E_SECRETS_CONFIG");
    expect(isSluiceError(err) && err.location).toMatchObject({ file: "bad.toml", line: 3, column: 1 });
  });
});

describe("defaultThreads", () => {
  it("starts a worker only for each further 1.5 idle cores", () => {
    expect(defaultThreads(1, 0)).toBe(1);
    expect(defaultThreads(2, 0)).toBe(1);
    expect(defaultThreads(4, 0)).toBe(2);
    expect(defaultThreads(4, 3.5)).toBe(1);
    expect(defaultThreads(8, 0.5)).toBe(5);
    expect(defaultThreads(32, 0)).toBe(8);
    expect(defaultThreads(4, 9)).toBe(1);
  });
});

describe("scanSecrets: baseline", () => {
  it("writes every fingerprint, then reports only what is new", async () => {
    const dir = tempDir();
    cpSync(treeDir, dir, { recursive: true });
    const written = await scanSecrets({
      root: dir,
      baselinePath: ".sluice-secrets-baseline.json",
      writeBaseline: true,
    });
    expect(written.findings).toEqual([]);
    expect(written.stats.baselined).toBe(expected.length);
    const baseline = JSON.parse(readFileSync(path.join(dir, ".sluice-secrets-baseline.json"), "utf8"));
    expect(baseline.fingerprints.length).toBe(expected.length);
    expectRedacted(
      JSON.stringify(baseline),
      planted.map((p) => p.value),
    );

    // Lines moved above a secret keep its fingerprint; a new secret is reported.
    const config = path.join(dir, "src/config/index.ts");
    writeFileSync(config, "// moved\n// down\n" + readFileSync(config, "utf8"));
    writeFileSync(path.join(dir, "new.env"), golden["doppler-token"]!.samples[0]!.text);
    const again = await scanSecrets({ root: dir, baselinePath: ".sluice-secrets-baseline.json" });
    expect(where(again)).toEqual([{ file: "new.env", line: 1, ruleId: "doppler-token" }]);
    expect(again.stats.baselined).toBe(expected.length);
  });
});

describe("scanSecrets: staged changes", () => {
  it("scans only the lines being added, with their line numbers in the file", async () => {
    const dir = repo();
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
    writeFileSync(path.join(dir, "app.py"), lines.join("\n") + "\n");
    writeFileSync(path.join(dir, "old.py"), golden["npm-access-token"]!.samples[0]!.text + "\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "initial");
    lines.splice(6, 0, golden["stripe-live-secret-key"]!.samples[0]!.text);
    writeFileSync(path.join(dir, "app.py"), lines.join("\n") + "\n");
    git(dir, "add", "app.py");
    // Unstaged: not part of what is about to be committed.
    writeFileSync(path.join(dir, "later.py"), golden["github-pat"]!.samples[0]!.text);
    const result = await scanSecrets({ root: dir, mode: "staged" });
    expect(where(result)).toEqual([{ file: "app.py", line: 7, ruleId: "stripe-live-secret-key" }]);
  });
});

describe("scanSecrets: history", () => {
  it("reports each secret once, at the commit that introduced it", async () => {
    const dir = repo();
    const token = golden["github-pat"]!.samples[0]!.text;
    writeFileSync(path.join(dir, "a.ts"), `const x = 1;\n${token}\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "add token");
    const first = git(dir, "rev-parse", "HEAD");
    writeFileSync(path.join(dir, "a.ts"), `const x = 2;\n${token}\n`);
    git(dir, "commit", "-qam", "touch another line");
    writeFileSync(path.join(dir, "a.ts"), `const x = 2;\n`);
    git(dir, "commit", "-qam", "remove the token");
    writeFileSync(path.join(dir, "a.ts"), `const x = 2;\n${token}\n`);
    git(dir, "commit", "-qam", "revert: the token is back");
    writeFileSync(path.join(dir, "b.ts"), `${token}\n`);
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "copy to b");
    const copy = git(dir, "rev-parse", "HEAD");
    const result = await scanSecrets({ root: dir, mode: "history" });
    expect(result.findings.map((f) => [f.file, f.line, f.commit])).toEqual([
      ["a.ts", 2, first],
      ["b.ts", 1, copy],
    ]);
    expect(result.findings[0]!.fingerprint).toMatch(new RegExp(`^${first}:a\\.ts:github-pat:[0-9a-f]{32}$`));
    expect(result.stats.commits).toBe(5);
    expectRedacted(JSON.stringify(result), [golden["github-pat"]!.samples[0]!.secret]);
  });

  it("scans a subdirectory's history with paths relative to it", async () => {
    const dir = repo();
    mkdirSync(path.join(dir, "sub"));
    mkdirSync(path.join(dir, "other"));
    writeFileSync(path.join(dir, "sub/a.ts"), golden["github-pat"]!.samples[0]!.text + "\n");
    writeFileSync(path.join(dir, "other/b.ts"), golden["npm-access-token"]!.samples[0]!.text + "\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "both");
    const result = await scanSecrets({ root: path.join(dir, "sub"), mode: "history" });
    expect(where(result)).toEqual([{ file: "a.ts", line: 1, ruleId: "github-pat" }]);
  });

  it("fails with SLUICE_E_PREREQUISITE outside a repository", async () => {
    const err = await scanSecrets({ root: tempDir(), mode: "history" }).catch((e: unknown) => e);
    expect(isSluiceError(err) && err.code).toBe("SLUICE_E_PREREQUISITE");
  });
});

function byPlace(a: { file: string; line: number }, b: { file: string; line: number }): number {
  return a.file.localeCompare(b.file) || a.line - b.line;
}

function fileURLToDir(url: URL): string {
  return decodeURIComponent(url.pathname);
}
