import { describe, expect, it } from "vitest";
import { resolveEvent } from "./event";
import type { EventSources } from "./event";

const SHA = "a".repeat(40);

function sources(overrides: Partial<EventSources> = {}): EventSources {
  return {
    name: "push",
    file: {},
    git: { sha: SHA, ref: "refs/heads/feat", actor: "ada" },
    headCommit: null,
    normalizeRef: (ref) => (ref.startsWith("refs/") ? ref : `refs/heads/${ref}`),
    ...overrides,
  };
}

describe("resolveEvent: push and other events", () => {
  it("pushes the checked-out branch and commit by default", () => {
    const ev = resolveEvent(sources());
    expect(ev).toMatchObject({ name: "push", ref: "refs/heads/feat", sha: SHA, actor: "ada" });
    expect(ev.headRef).toBeUndefined();
    expect(ev.number).toBeUndefined();
  });

  it("takes --ref first, then the event file's ref, then the branch, then main", () => {
    const file = { ref: "refs/tags/v1" };
    expect(resolveEvent(sources({ ref: "dev", file })).ref).toBe("refs/heads/dev");
    expect(resolveEvent(sources({ file })).ref).toBe("refs/tags/v1");
    expect(resolveEvent(sources({ git: { sha: SHA, ref: null, actor: "a" } })).ref).toBe("refs/heads/main");
  });

  it("reads the activity type of other events from the event file", () => {
    const ev = resolveEvent(sources({ name: "release", file: { action: "published" } }));
    expect(ev.action).toBe("published");
    expect(resolveEvent(sources({ name: "release" })).action).toBeUndefined();
  });
});

describe("resolveEvent: pull requests", () => {
  it("runs on refs/pull/1/merge from the current branch into main by default", () => {
    const ev = resolveEvent(sources({ name: "pull_request" }));
    expect(ev).toMatchObject({
      ref: "refs/pull/1/merge",
      number: 1,
      headRef: "feat",
      baseRef: "main",
      action: "opened",
      sha: SHA,
    });
  });

  it("takes the number from --ref refs/pull/<n>/merge, and the head branch still from git", () => {
    const ev = resolveEvent(sources({ name: "pull_request", ref: "refs/pull/7/merge" }));
    expect(ev).toMatchObject({ ref: "refs/pull/7/merge", number: 7, headRef: "feat" });
    expect(resolveEvent(sources({ name: "pull_request", ref: "refs/pull/8/head" })).ref).toBe(
      "refs/pull/8/merge",
    );
  });

  it("reads --ref naming a branch as the head branch", () => {
    const ev = resolveEvent(sources({ name: "pull_request", ref: "refs/heads/topic", base: "develop" }));
    expect(ev).toMatchObject({ ref: "refs/pull/1/merge", headRef: "topic", baseRef: "develop" });
    expect(resolveEvent(sources({ name: "pull_request", ref: "topic" })).headRef).toBe("topic");
  });

  it("lets the event file's number, branches and action win over the defaults", () => {
    const file = {
      number: 42,
      action: "synchronize",
      pull_request: { head: { ref: "topic" }, base: { ref: "release" } },
    };
    const ev = resolveEvent(sources({ name: "pull_request", file }));
    expect(ev).toMatchObject({
      ref: "refs/pull/42/merge",
      number: 42,
      headRef: "topic",
      baseRef: "release",
      action: "synchronize",
    });
    // pull_request.number stands in for a missing top-level number.
    const nested = resolveEvent(sources({ name: "pull_request", file: { pull_request: { number: 5 } } }));
    expect(nested.number).toBe(5);
  });

  it("lets flags win over the event file", () => {
    const file = { number: 42, pull_request: { head: { ref: "topic" }, base: { ref: "release" } } };
    const ev = resolveEvent(
      sources({ name: "pull_request", file, ref: "refs/pull/7/merge", base: "refs/heads/main" }),
    );
    expect(ev).toMatchObject({ number: 7, headRef: "topic", baseRef: "main" });
  });

  it("has no head branch on a detached HEAD without other sources", () => {
    const ev = resolveEvent(sources({ name: "pull_request", git: { sha: SHA, ref: null, actor: "a" } }));
    expect(ev.headRef).toBeUndefined();
    expect(ev.ref).toBe("refs/pull/1/merge");
  });

  it("runs pull_request_target on the base branch", () => {
    const ev = resolveEvent(sources({ name: "pull_request_target", base: "develop" }));
    expect(ev).toMatchObject({ ref: "refs/heads/develop", headRef: "feat", baseRef: "develop", number: 1 });
  });

  it("leaves the activity type of review events unknown unless the event file gives it", () => {
    expect(resolveEvent(sources({ name: "pull_request_review" })).action).toBeUndefined();
    const file = { action: "submitted" };
    expect(resolveEvent(sources({ name: "pull_request_review", file })).action).toBe("submitted");
    expect(resolveEvent(sources({ name: "pull_request_review" })).ref).toBe("refs/pull/1/merge");
  });
});
