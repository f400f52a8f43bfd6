import { describe, expect, it } from "vitest";
import { compilePolicyRule } from "./compile";
import { evaluatePolicy } from "./evaluate";
import { builtinPolicyRules } from "./rules/index";
import { expressionsIn, parseUses, parseWorkflow } from "./workflow";

const rule = (id: string) => compilePolicyRule(builtinPolicyRules.find((r) => r.id === id)!);

function runStep(run: string, on = "issues"): string {
  return `on: ${on}\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${JSON.stringify(run)}\n`;
}

function findings(id: string, text: string, options = {}) {
  return evaluatePolicy([parseWorkflow(text, "w.yml")!], [rule(id)], options);
}

describe("parseWorkflow", () => {
  it("reads events in each form, permissions, jobs and steps", () => {
    expect(parseWorkflow("on: push\njobs: {}\n", "a.yml")!.events).toEqual(["push"]);
    expect(parseWorkflow("on: [push, pull_request]\n", "a.yml")!.events).toEqual(["push", "pull_request"]);
    const w = parseWorkflow(
      "on:\n  pull_request_target:\n  workflow_dispatch:\njobs:\n  a:\n    permissions: read-all\n    steps:\n      - id: s\n        uses: actions/checkout@v4\n        with: { fetch-depth: 0 }\n",
      "a.yml",
    )!;
    expect(w.events).toEqual(["pull_request_target", "workflow_dispatch"]);
    expect(w.permissions).toBeNull();
    expect(w.jobs[0]).toMatchObject({ id: "a", permissions: "read-all" });
    expect(w.jobs[0]!.steps[0]).toMatchObject({
      id: "s",
      label: "s",
      with: { "fetch-depth": "0" },
      path: "jobs.a.steps[0]",
    });
    expect(parseWorkflow("- not a mapping\n", "a.yml")).toBeNull();
    expect(parseWorkflow("on: [\n", "a.yml")).toBeNull();
  });

  it("splits uses: references", () => {
    expect(parseUses("actions/checkout@v4")).toMatchObject({
      kind: "remote",
      owner: "actions",
      ref: "v4",
      pinned: false,
    });
    expect(parseUses("Org/Repo/sub/path@8f4b7f84864484a7bf31766abe9204da3cbe65b3")).toMatchObject({
      kind: "remote",
      name: "org/repo/sub/path",
      owner: "org",
      repo: "repo",
      pinned: true,
    });
    expect(parseUses("./.github/actions/x").kind).toBe("local");
    expect(parseUses("docker://alpine:3.19").kind).toBe("docker");
    expect(parseUses("sluice/gate@v1").kind).toBe("builtin");
    expect(parseUses("").kind).toBe("none");
  });

  it("extracts ${{ }} expressions", () => {
    expect(expressionsIn('echo "${{ github.event.issue.title }}" ${{github.sha}}\n${{ a\n || b }}')).toEqual([
      "github.event.issue.title",
      "github.sha",
      "a\n || b",
    ]);
  });
});

describe("workflow-script-injection", () => {
  it.each([
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.pages[0].page_name",
    "github.event.commits[0].message",
    "github.event.commits.*.author.email",
    "github.event.head_commit.message",
    "github.event.head_commit.author.name",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.head_ref",
    "github.event.workflow_run.head_branch",
    "format('{0}', github.event.issue.title)",
  ])("fires on %s in run:", (expr) => {
    expect(findings("workflow-script-injection", runStep(`echo "\${{ ${expr} }}"`))).toHaveLength(1);
  });

  it.each([
    "github.sha",
    "github.event.issue.number",
    "github.event.pull_request.head.sha",
    "inputs.name",
    "secrets.TOKEN",
  ])("stays silent on %s", (expr) => {
    expect(findings("workflow-script-injection", runStep(`echo "\${{ ${expr} }}"`))).toEqual([]);
  });

  it("stays silent when the value goes through env:", () => {
    const text = `on: issues\njobs:\n  j:\n    steps:\n      - env:\n          TITLE: \${{ github.event.issue.title }}\n        run: echo "$TITLE"\n`;
    expect(findings("workflow-script-injection", text)).toEqual([]);
  });

  it("names every attacker-controlled expression of the step, not only the first", () => {
    const [f, ...rest] = findings(
      "workflow-script-injection",
      runStep('echo "${{ github.event.issue.title }}: ${{ github.event.issue.body }} ${{ github.sha }}"'),
    );
    expect(rest).toEqual([]);
    expect(f!.message).toContain('"github.event.issue.title", "github.event.issue.body" into a script');
  });

  it("points at the run: line", () => {
    const [f] = findings("workflow-script-injection", runStep('echo "${{ github.event.issue.title }}"'));
    expect(f).toMatchObject({ line: 7, column: 9, severity: "high", properties: { field: "run" } });
  });
});

describe("workflow-pull-request-target-checkout", () => {
  const wf = (on: string, ref: string) =>
    `on: ${on}\njobs:\n  j:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${ref}\n`;
  it("fires on checking out the PR head in pull_request_target and workflow_run", () => {
    expect(
      findings(
        "workflow-pull-request-target-checkout",
        wf("pull_request_target", "${{ github.event.pull_request.head.sha }}"),
      ),
    ).toHaveLength(1);
    expect(
      findings(
        "workflow-pull-request-target-checkout",
        wf("[pull_request_target]", "${{ github.event.pull_request.head.ref }}"),
      ),
    ).toHaveLength(1);
    expect(
      findings(
        "workflow-pull-request-target-checkout",
        wf("workflow_run", "${{ github.event.workflow_run.head_sha }}"),
      ),
    ).toHaveLength(1);
    expect(
      findings(
        "workflow-pull-request-target-checkout",
        wf("pull_request_target", "refs/pull/${{ github.event.number }}/merge"),
      ),
    ).toHaveLength(1);
  });
  it("stays silent on pull_request, or on the base ref", () => {
    expect(
      findings(
        "workflow-pull-request-target-checkout",
        wf("pull_request", "${{ github.event.pull_request.head.sha }}"),
      ),
    ).toEqual([]);
    expect(findings("workflow-pull-request-target-checkout", wf("pull_request_target", "main"))).toEqual([]);
  });
});

describe("workflow-unpinned-action", () => {
  const wf =
    "on: push\njobs:\n  j:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n";
  it("exempts trusted owners, which an option can empty", () => {
    expect(findings("workflow-unpinned-action", wf).map((f) => f.properties?.object)).toEqual([
      "jobs.j.steps[1]",
    ]);
    expect(findings("workflow-unpinned-action", wf, { trustedActionOwners: [] })).toHaveLength(2);
    expect(findings("workflow-unpinned-action", wf, { trustedActionOwners: ["Docker", "actions"] })).toEqual(
      [],
    );
  });
});

describe("workflow permissions rules", () => {
  it("write-all is found at workflow or job level; a job's own block wins", () => {
    const text =
      "on: push\npermissions: write-all\njobs:\n  a:\n    steps: []\n  b:\n    permissions: { contents: read }\n    steps: []\n";
    expect(findings("workflow-write-all-permissions", text).map((f) => f.properties?.object)).toEqual([
      "jobs.a",
    ]);
  });
  it("missing permissions: once per workflow, silent when every job declares its own", () => {
    expect(
      findings("workflow-missing-permissions", "on: push\njobs:\n  a: { steps: [] }\n  b: { steps: [] }\n"),
    ).toHaveLength(1);
    expect(
      findings("workflow-missing-permissions", "on: push\njobs:\n  a: { permissions: {}, steps: [] }\n"),
    ).toEqual([]);
  });
});
