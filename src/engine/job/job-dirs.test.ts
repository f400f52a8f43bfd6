import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { takeEnvFiles } from "../step/env-files";
import { JobDirPool } from "./job-dirs";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function pool(): { pool: JobDirPool; root: string } {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), "sluice-job-dirs-")), "jobs");
  roots.push(path.dirname(root));
  return { pool: new JobDirPool(root), root };
}

describe("JobDirPool", () => {
  it("hands out a directory with an empty tmp/ and empty file-command files", async () => {
    const { pool: p } = pool();
    const d = await p.acquire();
    expect(existsSync(d.temp)).toBe(true);
    for (const f of Object.values(d.files)) expect(readFileSync(f, "utf8")).toBe("");
  });

  it("gives jobs running at the same time different directories", async () => {
    const { pool: p } = pool();
    const [a, b] = await Promise.all([p.acquire(), p.acquire()]);
    expect(a.dir).not.toBe(b.dir);
  });

  it("reuses a released directory, emptied of what the job left", async () => {
    const { pool: p } = pool();
    const d = await p.acquire();
    writeFileSync(path.join(d.temp, "left.txt"), "x");
    mkdirSync(path.join(d.temp, "sub", "deeper"), { recursive: true });
    appendFileSync(d.files.env, "SECRET=1\n");
    await p.release(d);
    const again = await p.acquire();
    expect(again.dir).toBe(d.dir);
    expect(existsSync(path.join(d.temp, "left.txt"))).toBe(false);
    expect(existsSync(path.join(d.temp, "sub"))).toBe(false);
    expect(readFileSync(again.files.env, "utf8")).toBe("");
  });

  it("does not reuse a directory whose tmp/ a job removed, and dispose() removes everything", async () => {
    const { pool: p, root } = pool();
    const d = await p.acquire();
    rmSync(d.temp, { recursive: true });
    await p.release(d);
    expect((await p.acquire()).dir).not.toBe(d.dir);
    await p.dispose();
    expect(existsSync(root)).toBe(false);
  });
});

describe("takeEnvFiles", () => {
  it("returns what was written since the last take and leaves the files empty, recreating removed ones", async () => {
    const { pool: p } = pool();
    const { files } = await p.acquire();
    appendFileSync(files.output, "a=1\n");
    unlinkSync(files.path);
    expect(takeEnvFiles(files)).toEqual({ env: "", output: "a=1\n", path: "", state: "", summary: "" });
    for (const f of Object.values(files)) expect(readFileSync(f, "utf8")).toBe("");
    expect(takeEnvFiles(files).output).toBe("");
  });
});
