import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashFilesSync } from "../../workflow/hash-files";
import { sluiceStateEntries } from "./eval-scope";

const ws = mkdtempSync(path.join(tmpdir(), "sluice-state-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe("sluiceStateEntries", () => {
  it("names the state directory's entries but the committed workflows and actions", () => {
    const state = path.join(ws, ".sluice");
    for (const dir of ["runs/r1/jobs/1/tmp", "cache", "workflows", "actions/o/r@v1"])
      mkdirSync(path.join(state, dir), { recursive: true });
    writeFileSync(path.join(state, "runs/r1/event.json"), '{"run":1}');
    writeFileSync(path.join(state, "sluice.db"), "db");
    writeFileSync(path.join(state, "workflows/ci.json"), "{}");
    writeFileSync(path.join(ws, "package.json"), "{}");

    expect(sluiceStateEntries(ws, state).sort()).toEqual([
      ".sluice/cache",
      ".sluice/runs",
      ".sluice/sluice.db",
    ]);
    // What a cache key over **/*.json sees: the project's files, not the run's event file.
    const exclude = sluiceStateEntries(ws, state);
    expect(hashFilesSync(ws, ["**/*.json"], { exclude })).toBe(
      hashFilesSync(ws, ["package.json", ".sluice/workflows/ci.json"]),
    );
  });

  it("excludes nothing when the state directory is outside the workspace or missing", () => {
    expect(sluiceStateEntries(ws, path.join(tmpdir(), "elsewhere-state"))).toEqual([]);
    expect(sluiceStateEntries(ws, path.join(ws, "no-state-yet"))).toEqual([]);
  });
});
