import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import semver from "semver";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setupNodeAction } from "./setup-node";
import type { Sandbox } from "./test-context";
import { createSandbox, createTestContext } from "./test-context";

let sb: Sandbox;
let emptyPath: string;
beforeEach(async () => {
  sb = await createSandbox();
  // A PATH without node leaves only the Node running the tests, so results do not depend on the host.
  emptyPath = join(sb.root, "empty-bin");
  await mkdir(emptyPath);
});
afterEach(async () => {
  await sb.cleanup();
});

const host = semver.parse(process.version)!;

function context(inputs: Record<string, string>, path = emptyPath) {
  return createTestContext(sb, inputs, { env: { PATH: path } });
}

describe("actions/setup-node", () => {
  it.each([`${host.major}`, `${host.major}.x`, `>=${host.major - 2}`, `^${host.major}.0.0`, "node", ""])(
    "accepts the host Node for %j",
    async (spec) => {
      const ctx = context({ "node-version": spec });
      await expect(setupNodeAction.main(ctx)).resolves.toEqual({ outcome: "success" });
      expect(ctx.outputs["node-version"]).toBe(process.version);
      expect(ctx.paths).toEqual([dirname(process.execPath)]);
    },
  );

  it.each([`>${host.major + 1}`, `${host.major - 1}`, "999.x"])(
    "fails for %j naming both versions",
    async (spec) => {
      const ctx = context({ "node-version": spec });
      await expect(setupNodeAction.main(ctx)).rejects.toMatchObject({
        code: "SLUICE_E_NODE_VERSION",
        message: expect.stringContaining(process.version),
      });
      expect(ctx.paths).toEqual([]);
    },
  );

  it("treats lts/* as an even major", async () => {
    const ctx = context({ "node-version": "lts/*" });
    if (host.major % 2 === 0)
      await expect(setupNodeAction.main(ctx)).resolves.toEqual({ outcome: "success" });
    else await expect(setupNodeAction.main(ctx)).rejects.toMatchObject({ code: "SLUICE_E_NODE_VERSION" });
  });

  it("reads node-version-file relative to the workspace", async () => {
    await writeFile(join(sb.workspace, ".nvmrc"), `v${host.major}\n`);
    const ctx = context({ "node-version-file": ".nvmrc" });
    await setupNodeAction.main(ctx);
    expect(ctx.outputs["node-version"]).toBe(process.version);
    await writeFile(join(sb.workspace, "package.json"), JSON.stringify({ engines: { node: ">=999" } }));
    await expect(
      setupNodeAction.main(context({ "node-version-file": "package.json" })),
    ).rejects.toMatchObject({
      code: "SLUICE_E_NODE_VERSION",
    });
  });

  it.skipIf(process.platform === "win32")(
    "prefers a newer satisfying node found on the step's PATH",
    async () => {
      const bin = join(sb.root, "fake-bin");
      await mkdir(bin);
      await writeFile(join(bin, "node"), "#!/bin/sh\necho v99.1.0\n");
      await chmod(join(bin, "node"), 0o755);
      const ctx = context({ "node-version": "99" }, bin);
      await setupNodeAction.main(ctx);
      expect(ctx.outputs["node-version"]).toBe("v99.1.0");
      expect(ctx.paths).toEqual([bin]);
    },
  );

  it("logs the host npm cache, rejects unknown managers and wrong architectures", async () => {
    const ctx = context({ "node-version": `${host.major}`, cache: "npm" });
    await setupNodeAction.main(ctx);
    expect(ctx.logs.join("\n")).toMatch(/host's npm cache/);
    await expect(setupNodeAction.main(context({ cache: "bun" }))).rejects.toMatchObject({
      code: "SLUICE_E_NODE_VERSION",
    });
    const arch = process.arch === "arm64" ? "x64" : "arm64";
    await expect(setupNodeAction.main(context({ architecture: arch }))).rejects.toMatchObject({
      code: "SLUICE_E_NODE_VERSION",
    });
  });

  it("writes an .npmrc for registry-url as setup-node does", async () => {
    const temp = join(sb.root, "runner-temp");
    const ctx = createTestContext(
      sb,
      { "registry-url": "https://registry.npmjs.org", scope: "@Acme" },
      { env: { PATH: emptyPath, RUNNER_TEMP: temp } },
    );
    await setupNodeAction.main(ctx);
    const npmrc = join(temp, ".npmrc");
    expect(ctx.exported.NPM_CONFIG_USERCONFIG).toBe(npmrc);
    expect(ctx.exported.NODE_AUTH_TOKEN).toBe("XXXXX-XXXXX-XXXXX-XXXXX");
    expect(await readFile(npmrc, "utf8")).toBe(
      "//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n@acme:registry=https://registry.npmjs.org/\nalways-auth=false\n",
    );
  });
});
