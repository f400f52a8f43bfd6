import { describe, expect, it } from "vitest";
import { isSluiceError } from "../core/errors";
import { checkJobFilter } from "./job-filter";
import type { WorkflowDef } from "./model";

const wf = (path: string, ...ids: string[]) =>
  ({ path, jobs: ids.map((id) => ({ id })) }) as unknown as WorkflowDef;

const ci = wf(".github/workflows/ci.yml", "build", "test");
const lint = wf(".github/workflows/lint.yml", "lint");

function usageError(filter: string[], workflows: WorkflowDef[]) {
  try {
    checkJobFilter(filter, workflows);
  } catch (err) {
    if (isSluiceError(err)) return { code: err.code, message: err.message, exit: err.exitCode };
    throw err;
  }
  return null;
}

describe("checkJobFilter", () => {
  it("selects everything without a filter", () => {
    expect(checkJobFilter([], [ci, lint]).size).toBe(0);
  });

  it("rejects an id no selected workflow has, listing the jobs that exist", () => {
    expect(usageError(["zzz"], [ci, lint])).toEqual({
      code: "SLUICE_E_USAGE",
      exit: 2,
      message:
        "--job zzz: no job with this id in the selected workflows; jobs: build, test (.github/workflows/ci.yml); lint (.github/workflows/lint.yml)",
    });
  });

  it("names every unknown id, once", () => {
    expect(usageError(["x", "build", "y", "x"], [ci])?.message).toMatch(/^--job x, y: no job with these ids/);
  });

  it("accepts an id that only one workflow has, and skips the others", () => {
    const skip = checkJobFilter(["lint"], [ci, lint]);
    expect([...skip.entries()].map(([w, why]) => [w.path, why])).toEqual([
      [".github/workflows/ci.yml", "none of its jobs was selected with --job (lint)"],
    ]);
  });

  it("keeps every workflow holding one of several ids", () => {
    expect(checkJobFilter(["test", "lint"], [ci, lint]).size).toBe(0);
  });
});
