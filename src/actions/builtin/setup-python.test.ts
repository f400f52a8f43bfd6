import { describe, expect, it } from "vitest";
import semver from "semver";
import { pythonRange } from "./setup-python";

describe("pythonRange", () => {
  it("reads major.minor as any patch of that minor", () => {
    expect(semver.satisfies("3.11.7", pythonRange("3.11")!)).toBe(true);
    expect(semver.satisfies("3.12.1", pythonRange("3.11")!)).toBe(false);
  });
  it("reads a bare major as any release of it", () => {
    expect(semver.satisfies("3.9.0", pythonRange("3")!)).toBe(true);
  });
  it("accepts ranges and exact versions", () => {
    expect(semver.satisfies("3.11.7", pythonRange(">=3.9")!)).toBe(true);
    expect(semver.satisfies("3.11.7", pythonRange("3.11.7")!)).toBe(true);
    expect(pythonRange("pypy-3.9")).toBeNull();
  });
});
