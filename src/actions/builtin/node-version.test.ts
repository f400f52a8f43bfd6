import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseVersionSpec, readVersionFile, versionFromText } from "./node-version";

describe("parseVersionSpec", () => {
  it.each([
    ["20", "v20.11.1", true],
    ["20.x", "20.0.0", true],
    ["v20", "v20.3.0", true],
    [">=18", "v22.1.0", true],
    ["^20.1", "v20.0.5", false],
    ["20.11.1", "v20.11.1", true],
    ["20.11.1", "v20.11.2", false],
    ["18", "v20.1.0", false],
    ["lts/*", "v20.1.0", true],
    ["lts/*", "v21.1.0", false],
    ["lts/iron", "v20.9.0", true],
    ["lts/hydrogen", "v20.9.0", false],
    ["node", "v23.0.0", true],
    ["latest", "v19.0.0", true],
    ["", "v16.0.0", true],
  ])("%s against %s → %s", (spec, version, expected) => {
    expect(parseVersionSpec(spec).test(version)).toBe(expected);
  });

  it("notes specs that cannot be pinned offline", () => {
    expect(parseVersionSpec("latest").note).toMatch(/newest release/);
    expect(parseVersionSpec("lts/-1").note).toMatch(/LTS line/);
    expect(parseVersionSpec("20").note).toBeUndefined();
  });

  it("rejects meaningless specs with SLUICE_E_NODE_VERSION", () => {
    expect(() => parseVersionSpec("lts/unknown")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_NODE_VERSION" }),
    );
    expect(() => parseVersionSpec("20-nightly")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_NODE_VERSION" }),
    );
  });
});

describe("version files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-nv-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads .nvmrc, .node-version and .tool-versions text", () => {
    expect(versionFromText("v20.11.1\n")).toBe("20.11.1");
    expect(versionFromText("# pinned\nlts/iron\n")).toBe("lts/iron");
    expect(versionFromText("python 3.12.1\nnodejs 20.1.0\n")).toBe("20.1.0");
    expect(versionFromText("\n")).toBe("");
  });

  it("reads package.json: volta (following extends) before devEngines before engines", async () => {
    const pkg = join(dir, "app", "package.json");
    await mkdir(join(dir, "app"));
    await writeFile(join(dir, "package.json"), JSON.stringify({ volta: { node: "20.1.0" } }));
    await writeFile(
      pkg,
      JSON.stringify({ volta: { extends: "../package.json" }, engines: { node: ">=18" } }),
    );
    expect(await readVersionFile(pkg)).toBe("20.1.0");
    await writeFile(
      pkg,
      JSON.stringify({
        devEngines: { runtime: { name: "node", version: "^22" } },
        engines: { node: ">=18" },
      }),
    );
    expect(await readVersionFile(pkg)).toBe("^22");
    await writeFile(pkg, JSON.stringify({ engines: { node: ">=18" } }));
    expect(await readVersionFile(pkg)).toBe(">=18");
  });

  it("fails clearly for a missing or empty file", async () => {
    await expect(readVersionFile(join(dir, ".nvmrc"))).rejects.toMatchObject({
      code: "SLUICE_E_NODE_VERSION",
    });
    await writeFile(join(dir, "package.json"), "{}");
    await expect(readVersionFile(join(dir, "package.json"))).rejects.toMatchObject({
      code: "SLUICE_E_NODE_VERSION",
    });
  });
});
