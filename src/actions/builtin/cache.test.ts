import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "./cache";
import type { Sandbox } from "./test-context";
import { createSandbox, createTestContext } from "./test-context";

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
}

/** Runs actions/cache main then post with one shared state, as the engine does around a job. */
async function runCache(inputs: Record<string, string>) {
  const state = new Map<string, string>();
  const main = createTestContext(sb, inputs, { state });
  await expect(cacheAction.main(main)).resolves.toEqual({ outcome: "success" });
  const post = createTestContext(sb, inputs, { state });
  await expect(cacheAction.post!(post)).resolves.toEqual({ outcome: "success" });
  return { main, post };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("actions/cache", () => {
  it("misses, saves in post, then hits exactly and skips the save", async () => {
    const file = join(sb.workspace, "node_modules", "a", "index.js");
    await put(file, "v1");
    await put(join(sb.workspace, "node_modules", ".bin", "tool"), "hidden too");
    const first = await runCache({ key: "deps-v1-abc", path: "node_modules" });
    expect(first.main.outputs["cache-hit"]).toBeUndefined();
    expect(first.post.logs).toContain("Cache saved with key: deps-v1-abc");

    await rm(join(sb.workspace, "node_modules"), { recursive: true });
    const second = await runCache({ key: "deps-v1-abc", path: "node_modules" });
    expect(second.main.outputs["cache-hit"]).toBe("true");
    expect(await readFile(file, "utf8")).toBe("v1");
    expect(await readFile(join(sb.workspace, "node_modules", ".bin", "tool"), "utf8")).toBe("hidden too");
    expect(second.post.logs.join("\n")).toMatch(/not saving cache/);
  });

  it("restores the newest restore-keys prefix match without reporting a hit, then saves the new key", async () => {
    const file = join(sb.workspace, "dist", "out.txt");
    await put(file, "older");
    await runCache({ key: "build-aaa", path: "dist" });
    await sleep(5);
    await put(file, "newer");
    await runCache({ key: "build-bbb", path: "dist" });
    await put(file, "other-prefix");
    await sleep(5);
    await runCache({ key: "zzz-build", path: "dist" });

    await rm(join(sb.workspace, "dist"), { recursive: true });
    const run = await runCache({ key: "build-ccc", path: "dist", "restore-keys": "nothing-\nbuild-\n" });
    expect(run.main.outputs["cache-hit"]).toBe("false");
    expect(await readFile(file, "utf8")).toBe("newer");
    expect(run.post.logs).toContain("Cache saved with key: build-ccc");
  });

  it("matches only entries saved for the same path input (the cache version)", async () => {
    await put(join(sb.workspace, "a", "f"), "x");
    await runCache({ key: "k", path: "a" });
    const ctx = createTestContext(sb, { key: "k", path: "a\nb" });
    await cacheAction.main(ctx);
    expect(ctx.outputs["cache-hit"]).toBeUndefined();
  });

  it("caches paths outside the workspace via ~", async () => {
    const file = join(sb.home, ".npm", "_cacache", "index");
    await put(file, "npm cache");
    await runCache({ key: "npm-1", path: "~/.npm" });
    await rm(join(sb.home, ".npm"), { recursive: true });
    const run = await runCache({ key: "npm-1", path: "~/.npm" });
    expect(run.main.outputs["cache-hit"]).toBe("true");
    expect(await readFile(file, "utf8")).toBe("npm cache");
  });

  it("lookup-only reports a hit without restoring files", async () => {
    await put(join(sb.workspace, "d", "f"), "x");
    await runCache({ key: "k", path: "d" });
    await rm(join(sb.workspace, "d"), { recursive: true });
    const ctx = createTestContext(sb, { key: "k", path: "d", "lookup-only": "true" });
    await cacheAction.main(ctx);
    expect(ctx.outputs["cache-hit"]).toBe("true");
    await expect(readFile(join(sb.workspace, "d", "f"), "utf8")).rejects.toThrow();
  });

  it("fails on a miss with fail-on-cache-miss, and on invalid keys", async () => {
    const miss = createTestContext(sb, { key: "none", path: "d", "fail-on-cache-miss": "true" });
    await expect(cacheAction.main(miss)).rejects.toMatchObject({ code: "SLUICE_E_CACHE" });
    const comma = createTestContext(sb, { key: "a,b", path: "d" });
    await expect(cacheAction.main(comma)).rejects.toMatchObject({ code: "SLUICE_E_CACHE" });
    const noPath = createTestContext(sb, { key: "k" });
    await expect(cacheAction.main(noPath)).rejects.toMatchObject({ code: "SLUICE_E_CACHE" });
    const badBool = createTestContext(sb, { key: "k", path: "d", "lookup-only": "yes" });
    await expect(cacheAction.main(badBool)).rejects.toMatchObject({ code: "SLUICE_E_CACHE" });
  });

  it("warns instead of failing when the paths to save do not exist", async () => {
    const { post } = await runCache({ key: "k", path: "missing-dir" });
    expect(post.logs.join("\n")).toMatch(/^Warning: Path Validation Error/m);
  });
});

describe("actions/cache/restore and actions/cache/save", () => {
  it("saves, then restores with primary and matched key outputs", async () => {
    await put(join(sb.workspace, "out", "f"), "saved");
    const save = createTestContext(sb, { key: "out-1", path: "out" });
    await expect(cacheSaveAction.main(save)).resolves.toEqual({ outcome: "success" });
    expect(save.logs).toContain("Cache saved with key: out-1");

    await writeFile(join(sb.workspace, "out", "f"), "changed");
    const again = createTestContext(sb, { key: "out-1", path: "out" });
    await cacheSaveAction.main(again);
    expect(again.logs.join("\n")).toMatch(/already exists/);

    const restore = createTestContext(sb, { key: "out-2", path: "out", "restore-keys": "out-" });
    await cacheRestoreAction.main(restore);
    expect(restore.outputs).toEqual({
      "cache-primary-key": "out-2",
      "cache-matched-key": "out-1",
      "cache-hit": "false",
    });
    expect(await readFile(join(sb.workspace, "out", "f"), "utf8")).toBe("saved");
    expect(cacheRestoreAction.post).toBeUndefined();
  });

  it("save without a key or with missing paths only warns", async () => {
    const noKey = createTestContext(sb, { path: "out" });
    await expect(cacheSaveAction.main(noKey)).resolves.toEqual({ outcome: "success" });
    expect(noKey.logs).toContain("Warning: Key is not specified.");
    const missing = createTestContext(sb, { key: "k", path: "nope" });
    await expect(cacheSaveAction.main(missing)).resolves.toEqual({ outcome: "success" });
    expect(missing.logs.join("\n")).toMatch(/Warning: Path Validation Error/);
  });
});
