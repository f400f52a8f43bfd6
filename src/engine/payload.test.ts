import { describe, expect, it } from "vitest";
import type { CommitInfo } from "./git-info";
import { buildPayload, mergePayload, settledFields } from "./payload";
import type { PayloadFacts } from "./payload";
import type { EventInfo } from "./types";

const SHA = "a".repeat(40);
const PARENT = "b".repeat(40);
const ZERO = "0".repeat(40);

const commit: CommitInfo = {
  sha: SHA,
  tree: "c".repeat(40),
  parents: [PARENT],
  author: { name: "Ada", email: "ada@example.com", date: "2024-05-01T10:00:00+02:00" },
  committer: { name: "Bob", email: "bob@example.com", date: "2024-05-02T11:00:00+02:00" },
  message: "Fix the parser\n\nLonger explanation.",
};

function event(overrides: Partial<EventInfo> = {}): EventInfo {
  return {
    name: "push",
    ref: "refs/heads/main",
    sha: SHA,
    changedFiles: null,
    payload: {},
    actor: "ada",
    headCommit: commit,
    ...overrides,
  };
}

const facts: PayloadFacts = {
  repository: "acme/widgets",
  workflowPath: ".github/workflows/ci.yml",
  inputs: {},
};

describe("buildPayload", () => {
  it("describes a push of the head commit on top of its parent", () => {
    const p = buildPayload(event(), facts);
    const headCommit = {
      id: SHA,
      tree_id: commit.tree,
      distinct: true,
      message: commit.message,
      timestamp: commit.committer.date,
      author: { name: "Ada", email: "ada@example.com" },
      committer: { name: "Bob", email: "bob@example.com" },
    };
    expect(p).toMatchObject({
      ref: "refs/heads/main",
      before: PARENT,
      after: SHA,
      created: false,
      head_commit: headCommit,
      commits: [headCommit],
      pusher: { name: "ada" },
      sender: { login: "ada" },
    });
    expect(p.repository).toEqual({
      full_name: "acme/widgets",
      name: "widgets",
      owner: { login: "acme" },
      default_branch: "main",
      html_url: "https://github.com/acme/widgets",
    });
  });

  it("has zeros before a root commit, and before a tag, which pushes no commits", () => {
    const root = buildPayload(event({ headCommit: { ...commit, parents: [] } }), facts);
    expect(root).toMatchObject({ before: ZERO, created: true });
    const tag = buildPayload(event({ ref: "refs/tags/v1" }), facts);
    expect(tag).toMatchObject({ before: ZERO, created: true, commits: [], head_commit: { id: SHA } });
  });

  it("names only the commit when git could not read it", () => {
    const p = buildPayload(event({ headCommit: null }), facts);
    expect(p).toMatchObject({ before: ZERO, head_commit: { id: SHA }, commits: [] });
  });

  it("describes a pull request: number, head and base branches and commits, title from the head commit", () => {
    const ev = event({
      name: "pull_request",
      ref: "refs/pull/7/merge",
      number: 7,
      headRef: "feat",
      baseRef: "main",
      action: "opened",
    });
    const p = buildPayload(ev, { ...facts, baseSha: PARENT });
    expect(p).toMatchObject({
      action: "opened",
      number: 7,
      pull_request: {
        number: 7,
        state: "open",
        title: "Fix the parser",
        head: { ref: "feat", sha: SHA },
        base: { ref: "main", sha: PARENT },
      },
    });
    // Nothing is invented where git has no answer.
    const bare = buildPayload({ ...ev, headRef: undefined, headCommit: null }, { ...facts, baseSha: null });
    const pr = bare.pull_request as Record<string, Record<string, unknown>>;
    expect(pr).not.toHaveProperty("title");
    expect(pr.head).toEqual({ sha: SHA });
    expect(pr.base).toEqual({ ref: "main" });
  });

  it("carries the cron entry of a schedule and the inputs of a workflow_dispatch", () => {
    const schedule = buildPayload(event({ name: "schedule" }), { ...facts, schedule: "0 5 * * 1" });
    expect(schedule).toMatchObject({ schedule: "0 5 * * 1", workflow: ".github/workflows/ci.yml" });
    const dispatch = buildPayload(event({ name: "workflow_dispatch" }), { ...facts, inputs: { a: "1" } });
    expect(dispatch).toMatchObject({ ref: "refs/heads/main", inputs: { a: "1" } });
  });
});

describe("mergePayload", () => {
  it("merges objects key by key and replaces everything else", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: "x", e: { f: 1 } };
    const over = { a: { c: [3] }, d: { g: 1 }, e: null };
    expect(mergePayload(base, over)).toEqual({ a: { b: 1, c: [3] }, d: { g: 1 }, e: null });
    expect(base.a.c).toEqual([1, 2]);
  });

  it("keeps a __proto__ key of JSON as a plain key", () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = mergePayload({}, over);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("settledFields", () => {
  it("pins a pull request's number, branches and action", () => {
    const ev = event({ name: "pull_request", number: 7, headRef: "feat", baseRef: "main", action: "opened" });
    const file = { number: 42, pull_request: { number: 42, title: "T", head: { ref: "x", sha: "s" } } };
    expect(mergePayload(mergePayload({}, file), settledFields(ev))).toEqual({
      action: "opened",
      number: 7,
      pull_request: { number: 7, title: "T", head: { ref: "feat", sha: "s" }, base: { ref: "main" } },
    });
  });

  it("pins the ref of push and workflow_dispatch only", () => {
    expect(settledFields(event())).toEqual({ ref: "refs/heads/main" });
    expect(settledFields(event({ name: "schedule" }))).toEqual({});
  });
});
