import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { getJudge, judges, judgeTypes } from "./registry";

describe("judge registry", () => {
  it("knows the three judges", () => {
    expect([...judgeTypes].sort()).toEqual(["mann-whitney", "sequential", "threshold"]);
    for (const type of judgeTypes) expect(getJudge(type).type).toBe(type);
    expect(Object.keys(judges).sort()).toEqual([...judgeTypes].sort());
  });

  it("rejects an unknown type as a config error", () => {
    for (const type of ["kayenta", "constructor", ""]) {
      try {
        getJudge(type);
        expect.unreachable();
      } catch (err) {
        expect(isSluiceError(err) && err.code).toBe("SLUICE_E_CONFIG");
      }
    }
  });
});
