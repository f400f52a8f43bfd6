import { describe, expect, it } from "vitest";
import { jobStatus, stepStatus } from "./status";

describe("job-level status functions", () => {
  it("success() needs every ancestor to have succeeded", () => {
    expect(jobStatus(["success", "success"], false).success()).toBe(true);
    expect(jobStatus(["success", "skipped"], false).success()).toBe(false);
    expect(jobStatus(["failure"], false).success()).toBe(false);
  });
  it("failure() is true when any ancestor failed", () => {
    expect(jobStatus(["success", "failure"], false).failure()).toBe(true);
    expect(jobStatus(["skipped"], false).failure()).toBe(false);
  });
  it("cancellation makes success() false and cancelled() true", () => {
    const s = jobStatus(["success"], true);
    expect(s.success()).toBe(false);
    expect(s.cancelled()).toBe(true);
  });
});

describe("step-level status functions", () => {
  it("a failed earlier step turns success() off and failure() on", () => {
    const s = stepStatus([{ conclusion: "success" }, { conclusion: "failure" }], false);
    expect(s.success()).toBe(false);
    expect(s.failure()).toBe(true);
  });
  it("continue-on-error steps conclude success and do not fail the job", () => {
    const s = stepStatus([{ conclusion: "success" }], false);
    expect(s.success()).toBe(true);
    expect(s.failure()).toBe(false);
  });
  it("skipped steps do not count as failures", () => {
    expect(stepStatus([{ conclusion: "skipped" }], false).success()).toBe(true);
  });
});
