import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadArtifactAction } from "./download-artifact";
import type { Sandbox } from "./test-context";
import { createSandbox, createTestContext } from "./test-context";
import { uploadArtifactAction } from "./upload-artifact";

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox();
  for (const [path, content] of Object.entries({
    "out/a/x.txt": "x",
    "out/b/y.txt": "y",
    "out/b/z.tmp": "z",
    "out/.env": "secret",
    "out/.git/config": "git",
  })) {
    await mkdir(join(sb.workspace, path, ".."), { recursive: true });
    await writeFile(join(sb.workspace, path), content);
  }
});
afterEach(async () => {
  await sb.cleanup();
});

/** Every file below `dir`, as sorted `/`-separated relative paths. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

async function upload(inputs: Record<string, string>, runId = "1") {
  const ctx = createTestContext(sb, inputs, { runId });
  const result = await uploadArtifactAction.main(ctx);
  return { ctx, result };
}

async function download(inputs: Record<string, string>, runId = "1") {
  const ctx = createTestContext(sb, inputs, { runId });
  await expect(downloadArtifactAction.main(ctx)).resolves.toEqual({ outcome: "success" });
  return ctx;
}

describe("upload-artifact → download-artifact", () => {
  it("stores paths relative to the least common ancestor of the search paths", async () => {
    const { ctx } = await upload({ name: "lca", path: "out/a/x.txt\nout/b/" });
    expect(ctx.outputs["artifact-id"]).toMatch(/^\d+$/);
    expect(ctx.outputs["artifact-url"]).toMatch(/^file:\/\//);
    expect(ctx.outputs["artifact-digest"]).toMatch(/^[0-9a-f]{64}$/);
    const dl = await download({ name: "lca", path: "dl" });
    expect(dl.outputs["download-path"]).toBe(join(sb.workspace, "dl"));
    expect(await tree(join(sb.workspace, "dl"))).toEqual(["a/x.txt", "b/y.txt", "b/z.tmp"]);
  });

  it("stores a single named file flat, a directory or wildcard relative to its search path", async () => {
    await upload({ name: "one", path: "out/a/x.txt" });
    await upload({ name: "dir", path: "out" });
    await upload({ name: "glob", path: "out/**/*.txt" });
    await download({ path: "all" });
    expect(await tree(join(sb.workspace, "all"))).toEqual([
      "dir/a/x.txt",
      "dir/b/y.txt",
      "dir/b/z.tmp",
      "glob/a/x.txt",
      "glob/b/y.txt",
      "one/x.txt",
    ]);
  });

  it("applies ! excludes in order and leaves hidden files out unless asked", async () => {
    await upload({ name: "ex", path: "out/\n!out/**/*.tmp" });
    await upload({ name: "hidden", path: "out", "include-hidden-files": "true" });
    await download({ name: "ex", path: "ex" });
    await download({ name: "hidden", path: "hidden" });
    expect(await tree(join(sb.workspace, "ex"))).toEqual(["a/x.txt", "b/y.txt"]);
    expect(await tree(join(sb.workspace, "hidden"))).toEqual([
      ".env",
      ".git/config",
      "a/x.txt",
      "b/y.txt",
      "b/z.tmp",
    ]);
  });

  it("refuses a second upload of the same name unless overwrite is set", async () => {
    const first = await upload({ name: "art", path: "out/a" });
    await expect(upload({ name: "art", path: "out/b" })).rejects.toMatchObject({ code: "SLUICE_E_ARTIFACT" });
    const second = await upload({ name: "art", path: "out/b", overwrite: "true" });
    expect(second.ctx.outputs["artifact-digest"]).not.toBe(first.ctx.outputs["artifact-digest"]);
    await download({ name: "art", path: "dl" });
    expect(await tree(join(sb.workspace, "dl"))).toEqual(["y.txt", "z.tmp"]);
  });

  it("gives the same digest for the same content", async () => {
    const a = await upload({ name: "a", path: "out/a" });
    const b = await upload({ name: "b", path: "out/a" });
    expect(a.ctx.outputs["artifact-digest"]).toBe(b.ctx.outputs["artifact-digest"]);
    expect(a.ctx.outputs["artifact-id"]).not.toBe(b.ctx.outputs["artifact-id"]);
  });

  it("fails clearly when the named artifact does not exist", async () => {
    await upload({ name: "present", path: "out/a" });
    const ctx = createTestContext(sb, { name: "absent" });
    await expect(downloadArtifactAction.main(ctx)).rejects.toMatchObject({
      code: "SLUICE_E_ARTIFACT",
      message: expect.stringContaining("present"),
    });
  });

  it("downloads by pattern, merges with merge-multiple, and reads other runs only with run-id", async () => {
    await upload({ name: "report-a", path: "out/a" });
    await upload({ name: "report-b", path: "out/b/y.txt" });
    await upload({ name: "other", path: "out/b/z.tmp" });
    await download({ pattern: "report-*", "merge-multiple": "true", path: "merged" });
    expect(await tree(join(sb.workspace, "merged"))).toEqual(["x.txt", "y.txt"]);

    const none = await download({ path: "run2" }, "2");
    expect(none.logs.join("\n")).toMatch(/No artifacts found/);
    await download({ name: "other", path: "from-run1", "run-id": "1" }, "2");
    expect(await readFile(join(sb.workspace, "from-run1", "z.tmp"), "utf8")).toBe("z");
  });

  it("handles no matching files per if-no-files-found", async () => {
    const warn = await upload({ name: "w", path: "nothing/**" });
    expect(warn.result).toEqual({ outcome: "success" });
    expect(warn.ctx.logs.join("\n")).toMatch(/^Warning: No files were found/m);
    expect(warn.ctx.outputs).toEqual({});
    await expect(upload({ name: "e", path: "nothing", "if-no-files-found": "error" })).rejects.toMatchObject({
      code: "SLUICE_E_ARTIFACT",
    });
    await expect(upload({ name: "bad/name", path: "out" })).rejects.toMatchObject({
      code: "SLUICE_E_ARTIFACT",
    });
  });
});
