import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import type { Problem } from "../core/errors";
import { loadConfig, parseConfig } from "./load";
import { DEFAULT_TIMEOUT_MINUTES, DEFAULT_WORKFLOW_PATHS, defaultConfig } from "./schema";

async function problemsOf(text: string): Promise<SluiceError> {
  try {
    await parseConfig(text, "sluice.yml");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected parseConfig to throw");
}

const at = (p: Problem | undefined): string => `${p?.location?.line}:${p?.location?.column}`;

describe("parseConfig", () => {
  it("fills every default from `version: 1` alone", async () => {
    const config = await parseConfig("version: 1\n", "sluice.yml");
    expect(config).toEqual(defaultConfig());
    expect(config.workflows.paths).toEqual(DEFAULT_WORKFLOW_PATHS);
    expect(config.run.timeoutMinutes).toBe(DEFAULT_TIMEOUT_MINUTES);
    expect(config.store).toEqual({ type: "sqlite", path: ".sluice/sluice.db" });
    expect(config.secrets.file).toBeUndefined();
  });

  it("reads a full configuration and turns scalar vars and env values into strings", async () => {
    const config = await parseConfig(
      [
        "version: 1",
        "workflows:",
        "  paths: [ci/workflows]",
        "run: { concurrency: 4, shell: bash, timeoutMinutes: 30 }",
        "store: { type: sqlite, path: /var/lib/sluice.db }",
        "secrets: { file: .env.secrets }",
        "vars: { REGION: eu-west-1, REPLICAS: 3 }",
        "env: { DEBUG: true, NODE_ENV: test }",
      ].join("\n"),
      "sluice.yml",
    );
    expect(config).toEqual({
      version: 1,
      workflows: { paths: ["ci/workflows"] },
      run: { concurrency: 4, shell: "bash", timeoutMinutes: 30 },
      store: { type: "sqlite", path: "/var/lib/sluice.db" },
      secrets: { file: ".env.secrets" },
      vars: { REGION: "eu-west-1", REPLICAS: "3" },
      env: { DEBUG: "true", NODE_ENV: "test" },
      gates: {},
      scan: {
        exclude: [],
        secrets: {},
        deps: { online: false },
        license: { unknown: "warn" },
        policy: { rules: [], disable: [] },
      },
      environments: {},
      analyses: {},
    });
  });

  it("reads gates with defaults and reports a malformed rule at its line", async () => {
    const config = await parseConfig(
      [
        "version: 1",
        "gates:",
        "  quality:",
        "    reports: [coverage/lcov.info]",
        "    rules:",
        '      - "coverage.lines >= 80"',
        "      - rule: vulnerabilities.critical == 0",
        "        severity: warn",
      ].join("\n"),
      "sluice.yml",
    );
    expect(config.gates.quality).toMatchObject({
      reports: ["coverage/lcov.info"],
      rules: ["coverage.lines >= 80", { rule: "vulnerabilities.critical == 0", severity: "warn" }],
      overrides: [],
      compute: {},
    });
    const err = await problemsOf(
      ["version: 1", "gates:", "  quality:", "    rules:", '      - "coverage.lines >="'].join("\n"),
    );
    expect(err.problems[0]).toMatchObject({ code: "SLUICE_E_CONFIG", location: { line: 5 } });
    expect(err.problems[0]!.message).toContain("coverage.lines >=");
  });

  it("collects every schema problem, in file order, each at its key or value", async () => {
    const err = await problemsOf(
      [
        "version: 1",
        "run:",
        "  concurrency: 0",
        "  timeout-minutes: 10",
        "store:",
        "  type: postgres",
        "colour: red",
      ].join("\n"),
    );
    expect(err.code).toBe("SLUICE_E_CONFIG");
    expect(err.exitCode).toBe(2);
    expect(err.problems.map((p) => [p.code, at(p)])).toEqual([
      ["SLUICE_E_CONFIG", "3:16"],
      ["SLUICE_E_CONFIG", "4:3"],
      ["SLUICE_E_CONFIG", "6:9"],
      ["SLUICE_E_CONFIG", "7:1"],
    ]);
    expect(err.problems[1]?.message).toContain('did you mean "timeoutMinutes"');
    expect(err.problems[2]?.message).toContain('"sqlite"');
    expect(err.problems[3]?.message).toContain("allowed: version, workflows");
    expect(err.location).toEqual(err.problems[0]?.location);
  });

  it("reports a missing or wrong version", async () => {
    expect(at((await problemsOf("run: {}\n")).problems[0])).toBe("1:1");
    const wrong = await problemsOf("# comment\nversion: 2\n");
    expect(wrong.problems).toHaveLength(1);
    expect(at(wrong.problems[0])).toBe("2:10");
  });

  it("reports an empty file", async () => {
    const err = await problemsOf("");
    expect(err.code).toBe("SLUICE_E_CONFIG");
    expect(err.problems[0]?.location).toEqual({ file: "sluice.yml", line: 1, column: 1 });
  });

  it("points at the key when a value is empty, and at the parent when a key is missing", async () => {
    const err = await problemsOf("version: 1\nrun:\n  shell:\nstore:\n  path: x.db\n");
    expect(err.problems.map(at)).toEqual(["3:3", "4:1"]);
    expect(err.problems[1]?.message).toMatch(/store\.type: is required/);
  });

  it("points at a bad key in vars and at a bad item in a list", async () => {
    const err = await problemsOf('version: 1\nvars:\n  9LIVES: x\nworkflows:\n  paths: [a, ""]\n');
    expect(err.problems.map(at)).toEqual(["3:3", "5:14"]);
  });

  it("reports YAML syntax errors as SLUICE_E_YAML with locations", async () => {
    const err = await problemsOf("version: 1\nrun: [a\nenv:\n  A: 1\n  A: 2\n");
    expect(err.code).toBe("SLUICE_E_YAML");
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.code).toBe("SLUICE_E_YAML");
      expect(p.location?.line).toBeGreaterThan(0);
    }
  });

  it("reports duplicate keys, several documents and unknown aliases", async () => {
    expect(at((await problemsOf("version: 1\nversion: 1\n")).problems[0])).toBe("2:1");
    expect((await problemsOf("version: 1\n---\nversion: 1\n")).code).toBe("SLUICE_E_YAML");
    const alias = await problemsOf("version: 1\nenv: *nowhere\n");
    expect(alias.code).toBe("SLUICE_E_YAML");
    expect(at(alias.problems[0])).toBe("2:6");
  });

  it("refuses alias bombs", async () => {
    const bomb = ["version: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${"bcdefghij"[i]}: &${"bcdefghij"[i]} [${Array(10).fill(`*${"abcdefghij"[i]}`).join(", ")}]`,
      );
    expect((await problemsOf(bomb.join("\n"))).code).toBe("SLUICE_E_YAML");
  });
});

describe("loadConfig", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns the defaults and a null path when there is no sluice.yml", async () => {
    expect(await loadConfig(dir)).toEqual({ config: defaultConfig(), path: null });
  });

  it("reads sluice.yml and names it in problems", async () => {
    await writeFile(join(dir, "sluice.yml"), "version: 1\nrun: { concurrency: 2 }\n");
    const loaded = await loadConfig(dir);
    expect(loaded.path).toBe(join(dir, "sluice.yml"));
    expect(loaded.config.run.concurrency).toBe(2);

    await writeFile(join(dir, "sluice.yml"), "version: 1\nrun: { concurrency: -2 }\n");
    const err = await loadConfig(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).problems[0]?.location).toEqual({
      file: join(dir, "sluice.yml"),
      line: 2,
      column: 21,
    });
  });

  it("rejects a sluice.yaml that would otherwise be ignored", async () => {
    await writeFile(join(dir, "sluice.yaml"), "version: 1\n");
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: "SLUICE_E_CONFIG" });
  });
});
