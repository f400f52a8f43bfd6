import { describe, expect, it } from "vitest";
import { githubContext, refName, refType, runnerContext, standardVariables } from "./contexts";
import type { RunIdentity } from "./contexts";
import type { EventInfo } from "./types";

function identity(event: Partial<EventInfo> = {}): RunIdentity {
  return {
    runId: "run-1",
    workflowRunNumber: 3,
    workflowName: "CI",
    workflowPath: ".github/workflows/ci.yml",
    workspace: "/w",
    repository: "acme/widgets",
    runDir: "/w/.sluice/runs/run-1",
    eventPath: "/w/.sluice/runs/run-1/event.json",
    event: {
      name: "push",
      ref: "refs/heads/main",
      sha: "a".repeat(40),
      changedFiles: null,
      payload: {},
      actor: "ada",
      ...event,
    },
  };
}

describe("refName and refType", () => {
  it("give GITHUB_REF_NAME and GITHUB_REF_TYPE as GitHub does", () => {
    expect(refName("refs/heads/feature/x")).toBe("feature/x");
    expect(refName("refs/tags/v1")).toBe("v1");
    expect(refName("refs/pull/7/merge")).toBe("7/merge");
    expect(refType("refs/heads/main")).toBe("branch");
    expect(refType("refs/pull/7/merge")).toBe("branch");
    expect(refType("refs/tags/v1")).toBe("tag");
  });
});

describe("githubContext", () => {
  it("has github.com's URLs, the workflow's run number and a first attempt", () => {
    const ctx = githubContext(identity(), "build");
    expect(ctx).toMatchObject({
      server_url: "https://github.com",
      api_url: "https://api.github.com",
      graphql_url: "https://api.github.com/graphql",
      run_number: "3",
      run_attempt: "1",
      head_ref: "",
      base_ref: "",
    });
    const vars = standardVariables(ctx, runnerContext("/tmp", "/tc", false));
    expect(vars).toMatchObject({
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: "https://api.github.com",
      GITHUB_GRAPHQL_URL: "https://api.github.com/graphql",
      GITHUB_RUN_NUMBER: "3",
      GITHUB_RUN_ATTEMPT: "1",
    });
  });

  it("describes a pull request by its merge ref, head and base branches", () => {
    const pr = { ref: "refs/pull/7/merge", headRef: "feat", baseRef: "main" };
    const ctx = githubContext(identity({ name: "pull_request", ...pr }), "build");
    expect(ctx).toMatchObject({
      ref: "refs/pull/7/merge",
      ref_name: "7/merge",
      ref_type: "branch",
      head_ref: "feat",
      base_ref: "main",
    });
    // Only pull_request and pull_request_target have GITHUB_HEAD_REF and GITHUB_BASE_REF.
    const review = githubContext(identity({ name: "pull_request_review", ...pr }), "build");
    expect(review).toMatchObject({ ref_name: "7/merge", head_ref: "", base_ref: "" });
  });
});
