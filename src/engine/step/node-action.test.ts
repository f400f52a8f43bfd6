import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputEnv, isLocalUses, nodeVersionWarning } from "./node-action";
import { vendoredActionFor } from "./uses-step";

describe("nodeVersionWarning", () => {
  it("says nothing when runs.using names the host's major", () => {
    expect(nodeVersionWarning("acme/a@v1", "node20", "v20.11.1")).toBeNull();
    expect(nodeVersionWarning("acme/a@v1", "node24", "v24.0.0")).toBeNull();
  });
  it("names the host's version when the majors differ", () => {
    expect(nodeVersionWarning("./act/x", "node24", "v20.11.1")).toBe(
      "./act/x declares runs.using: node24; Sluice runs it with the host's Node.js v20.11.1",
    );
  });
  it("adds that node12 and node16 are deprecated on GitHub", () => {
    for (const using of ["node12", "node16"]) {
      expect(nodeVersionWarning("a/b@v1", using, "v22.3.0")).toBe(
        `a/b@v1 declares runs.using: ${using} (${using} actions are deprecated on GitHub); Sluice runs it with the host's Node.js v22.3.0`,
      );
    }
  });
});

describe("inputEnv", () => {
  it("upper-cases names and turns spaces into underscores, as @actions/core reads them", () => {
    expect(inputEnv({ who: "me", "Mixed Case-name": "x" })).toEqual({
      INPUT_WHO: "me",
      "INPUT_MIXED_CASE-NAME": "x",
    });
  });
});

describe("which actions are local or vendored", () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "sluice-vendored-"));
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));
  const vendor = (rel: string) => {
    const dir = path.join(workspace, ".sluice", "actions", rel);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  it("treats ./ and ../ paths as local (the runner's self repository)", () => {
    expect(isLocalUses("./act/x")).toBe(true);
    expect(isLocalUses("../x")).toBe(true);
    expect(isLocalUses("acme/x@v1")).toBe(false);
  });

  it("finds the vendored directory of owner/repo[/path]@ref", async () => {
    const dir = vendor("acme/hook@v1");
    const sub = vendor("acme/tools@v2/lint");
    expect(await vendoredActionFor(workspace, "acme/hook@v1")).toBe(dir);
    expect(await vendoredActionFor(workspace, "acme/tools/lint@v2")).toBe(sub);
  });

  it("is null for what runs otherwise: missing, local, docker, or built in even when vendored", async () => {
    vendor("actions/checkout@v4");
    expect(await vendoredActionFor(workspace, "acme/missing@v1")).toBeNull();
    expect(await vendoredActionFor(workspace, "./act/x")).toBeNull();
    expect(await vendoredActionFor(workspace, "docker://alpine:3")).toBeNull();
    expect(await vendoredActionFor(workspace, "actions/checkout@v4")).toBeNull();
  });
});
