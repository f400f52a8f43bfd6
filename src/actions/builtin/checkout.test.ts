import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkoutAction } from "./checkout";
import type { Sandbox } from "./test-context";
import { createSandbox, createTestContext } from "./test-context";

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

function git(...args: string[]): string {
  const identity = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"];
  return execFileSync("git", [...identity, ...args], { cwd: sb.workspace, encoding: "utf8" }).trim();
}

async function initRepo(): Promise<string> {
  git("init", "-q", "-b", "main");
  await writeFile(join(sb.workspace, "README"), "hi");
  git("add", ".");
  git("commit", "-q", "-m", "first");
  git("branch", "other");
  await writeFile(join(sb.workspace, "README"), "second");
  git("commit", "-q", "-am", "second");
  return git("rev-parse", "HEAD");
}

const env = { GITHUB_REPOSITORY: "Acme/App" };

describe("actions/checkout", () => {
  it("is a no-op in the repository, reporting ref and commit and logging ignored inputs", async () => {
    const head = await initRepo();
    const ctx = createTestContext(
      sb,
      { "fetch-depth": "0", clean: "true", repository: "acme/app", path: "." },
      { env },
    );
    await expect(checkoutAction.main(ctx)).resolves.toEqual({ outcome: "success" });
    expect(ctx.outputs).toEqual({ ref: "refs/heads/main", commit: head });
    expect(ctx.logs.join("\n")).toMatch(/Ignored .*: clean, fetch-depth/);
  });

  it("accepts a ref naming the current commit and refuses any other", async () => {
    const head = await initRepo();
    const same = createTestContext(sb, { ref: "main" }, { env });
    await checkoutAction.main(same);
    expect(same.outputs).toEqual({ ref: "main", commit: head });
    const other = createTestContext(sb, { ref: "other" }, { env });
    await expect(checkoutAction.main(other)).rejects.toMatchObject({ code: "SLUICE_E_CHECKOUT" });
  });

  it("refuses other repositories and other paths", async () => {
    await initRepo();
    const repo = createTestContext(sb, { repository: "acme/other" }, { env });
    await expect(checkoutAction.main(repo)).rejects.toMatchObject({ code: "SLUICE_E_CHECKOUT" });
    const path = createTestContext(sb, { path: "sub" }, { env });
    await expect(checkoutAction.main(path)).rejects.toMatchObject({ code: "SLUICE_E_CHECKOUT" });
  });

  it("reports an empty commit outside a git repository", async () => {
    const ctx = createTestContext(sb, {}, { env: { GIT_CEILING_DIRECTORIES: sb.root } });
    await checkoutAction.main(ctx);
    expect(ctx.outputs).toEqual({ ref: "", commit: "" });
    expect(ctx.logs.join("\n")).toMatch(/not a git repository/);
  });
});
