/** Action manifests are read with the runner's leniency: name and description are optional. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { loadActionManifest } from "./action-manifest";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function action(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sluice-action-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "action.yml"), yaml);
  return dir;
}

function problemsOf(dir: string) {
  try {
    loadActionManifest(dir, "./act");
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    return {
      code: err.code,
      problems: err.problems.map((p) => [p.location?.line, p.location?.column, p.message]),
    };
  }
  return null;
}

describe("loadActionManifest", () => {
  it("accepts a node action without name or description", () => {
    const m = loadActionManifest(action("runs:\n  using: node20\n  main: main.js\n"), "./act");
    expect(m.template.runs).toMatchObject({ using: "node20", main: "main.js" });
  });

  it("accepts a composite action without name or description", () => {
    const m = loadActionManifest(
      action("runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n"),
      "./act",
    );
    expect(m.steps).toHaveLength(1);
  });

  it("accepts an empty name and a description alone", () => {
    expect(problemsOf(action('name: ""\nruns:\n  using: node20\n  main: main.js\n'))).toBeNull();
    expect(problemsOf(action("description: d\nruns:\n  using: node20\n  main: main.js\n"))).toBeNull();
  });

  it("still requires runs, located", () => {
    expect(problemsOf(action("name: x\ndescription: y\n"))).toEqual({
      code: "SLUICE_E_ACTION_INVALID",
      problems: [[1, 1, expect.stringContaining("Required property is missing: runs")]],
    });
  });

  it("still rejects an unknown using, located", () => {
    const r = problemsOf(action("runs:\n  using: node7\n  main: main.js\n"));
    expect(r?.code).toBe("SLUICE_E_ACTION_INVALID");
    expect(r?.problems.length).toBeGreaterThan(0);
    expect(r?.problems.every(([line]) => typeof line === "number")).toBe(true);
    expect(r?.problems.some(([line, , msg]) => line === 2 && String(msg).includes("node7"))).toBe(true);
  });

  it("still requires main for node actions", () => {
    const r = problemsOf(action("runs:\n  using: node20\n"));
    expect(r?.code).toBe("SLUICE_E_ACTION_INVALID");
    expect(r?.problems.some(([line]) => line === 2)).toBe(true);
  });
});
