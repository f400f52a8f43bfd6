import { describe, it, expect } from "vitest";
import type { EventsConfig, TriggerEvent } from "./filters";
import { compileFilterPattern, matchFilters, matchTrigger, refKind, refName } from "./filters";

const matches = (pattern: string, value: string): boolean => compileFilterPattern(pattern).test(value);

describe("compileFilterPattern: GitHub's branch and tag examples", () => {
  it.each([
    ["feature/*", ["feature/my-branch", "feature/your-branch"], ["feature/a/b", "feature", "main"]],
    [
      "feature/**",
      ["feature/beta-a/my-branch", "feature/your-branch", "feature/mona/the/octocat"],
      ["feature"],
    ],
    ["main", ["main"], ["main2", "xmain", "feature/main"]],
    ["releases/mona-the-octocat", ["releases/mona-the-octocat"], ["releases/mona"]],
    ["*", ["main", "releases"], ["all/the/branches"]],
    ["**", ["all/the/branches", "every/tag", "main"], []],
    ["*feature", ["mona-feature", "feature", "ver-10-feature"], ["a/feature", "feature-x"]],
    ["v2*", ["v2", "v2.0", "v2.9"], ["v1", "v2/x"]],
    ["v[12].[0-9]+.[0-9]+", ["v1.10.1", "v2.0.0"], ["v3.0.0", "v1.x.1", "v1.0", "v1a0b0", "v1.0.0-rc"]],
  ])("%s", (pattern, yes, no) => {
    for (const v of yes) expect(matches(pattern, v), `${pattern} should match ${v}`).toBe(true);
    for (const v of no) expect(matches(pattern, v), `${pattern} should not match ${v}`).toBe(false);
  });
});

describe("compileFilterPattern: GitHub's path examples", () => {
  it.each([
    ["*", ["README.md", "server.rb"], ["docs/README.md"]],
    ["*.jsx?", ["page.js", "page.jsx"], ["page.jsxx", "src/page.js", "page.j"]],
    ["**", ["all/the/files.md"], []],
    ["*.js", ["app.js", "index.js"], ["js/index.js"]],
    ["**.js", ["index.js", "js/index.js", "src/js/app.js"], ["index.json"]],
    ["docs/*", ["docs/README.md", "docs/file.txt"], ["docs/mona/octocat.txt", "README.md"]],
    ["docs/**", ["docs/README.md", "docs/mona/octocat.txt"], ["a/docs/x"]],
    [
      "docs/**/*.md",
      ["docs/README.md", "docs/mona/hello-world.md", "docs/a/markdown/file.md"],
      ["docs/a.txt"],
    ],
    ["**/docs/**", ["docs/hello.md", "dir/docs/my-file.txt", "space/docs/plan/space.doc"], ["mydocs/x"]],
    ["**/README.md", ["README.md", "js/README.md"], ["xREADME.md", "README.mdx"]],
    ["**/*src/**", ["a/src/app.js", "my-src/code/js/app.js"], ["src.js"]],
    ["**/*-post.md", ["my-post.md", "path/their-post.md"], ["post.md"]],
    [
      "**/migrate-*.sql",
      ["migrate-10909.sql", "db/migrate-v1.0.sql", "db/sept/migrate-v1.sql"],
      ["db/migrate.sql"],
    ],
  ])("%s", (pattern, yes, no) => {
    for (const v of yes) expect(matches(pattern, v), `${pattern} should match ${v}`).toBe(true);
    for (const v of no) expect(matches(pattern, v), `${pattern} should not match ${v}`).toBe(false);
  });
});

describe("compileFilterPattern: syntax details", () => {
  it("escapes regular-expression specials", () => {
    expect(matches("a.b", "a.b")).toBe(true);
    expect(matches("a.b", "axb")).toBe(false);
    expect(matches("(x)|y", "(x)|y")).toBe(true);
    expect(matches("a{2}", "a{2}")).toBe(true);
    expect(matches("a{2}", "aa")).toBe(false);
    expect(matches("$^", "$^")).toBe(true);
  });

  it("applies ? and + to the preceding character or class only", () => {
    expect(matches("ab+c", "abbbc")).toBe(true);
    expect(matches("ab+c", "ac")).toBe(false);
    expect(matches("ab?c", "ac")).toBe(true);
    expect(matches("[0-9]+x", "123x")).toBe(true);
    expect(matches("[0-9]+x", "x")).toBe(false);
  });

  it("treats ? and + with nothing to quantify as literals", () => {
    expect(matches("?a", "?a")).toBe(true);
    expect(matches("+a", "+a")).toBe(true);
    expect(matches("*?", "abc?")).toBe(true);
    expect(matches("*?", "abc")).toBe(false);
    expect(matches("**+", "a/b+")).toBe(true);
    expect(matches("a??", "a?")).toBe(true);
    expect(matches("a??", "?")).toBe(true);
  });

  it("supports classes, ranges and literal brackets", () => {
    expect(matches("[CB]at", "Cat")).toBe(true);
    expect(matches("[CB]at", "Bat")).toBe(true);
    expect(matches("[CB]at", "Hat")).toBe(false);
    expect(matches("[1-2]00", "200")).toBe(true);
    expect(matches("[1-2]00", "300")).toBe(false);
    expect(matches("[0-9a-z]", "q")).toBe(true);
    expect(matches("[0-9a-z]", "Q")).toBe(false);
    expect(matches("x[", "x[")).toBe(true);
    expect(matches("[]", "[]")).toBe(true);
    expect(matches("[z-a]", "-")).toBe(true);
    expect(matches("[^]", "^")).toBe(true);
  });

  it("honours backslash escapes", () => {
    expect(matches("C\\+\\+", "C++")).toBe(true);
    expect(matches("C\\+\\+", "CC")).toBe(false);
    expect(matches("a\\*", "a*")).toBe(true);
    expect(matches("a\\*", "ab")).toBe(false);
  });

  it("matches the whole value and ignores a leading !", () => {
    expect(matches("main", "main-2")).toBe(false);
    expect(matches("!main", "main")).toBe(true);
    expect(matches("a!b", "a!b")).toBe(true);
  });

  it("lets **/ in the middle match no directory", () => {
    expect(matches("a/**/b", "a/b")).toBe(true);
    expect(matches("a/**/b", "a/x/y/b")).toBe(true);
    expect(matches("a/**/b", "ab")).toBe(false);
  });
});

describe("matchFilters", () => {
  it("follows GitHub's negation examples", () => {
    const md = ["*.md", "!README.md"];
    expect(matchFilters(md, "hello.md")).toBe(true);
    expect(matchFilters(md, "README.md")).toBe(false);
    expect(matchFilters(md, "docs/hello.md")).toBe(false);
    const reinclude = ["*.md", "!README.md", "README*"];
    expect(matchFilters(reinclude, "hello.md")).toBe(true);
    expect(matchFilters(reinclude, "README.md")).toBe(true);
    expect(matchFilters(reinclude, "README.doc")).toBe(true);
  });

  it("selects nothing from an empty list or a list of only negations", () => {
    expect(matchFilters([], "main")).toBe(false);
    expect(matchFilters(["!main"], "feature")).toBe(false);
    expect(matchFilters(["!main"], "main")).toBe(false);
  });

  it("lets the last matching pattern decide", () => {
    const branches = ["releases/**", "!releases/**-alpha", "releases/special-alpha"];
    expect(matchFilters(branches, "releases/10")).toBe(true);
    expect(matchFilters(branches, "releases/beta/3-alpha")).toBe(false);
    expect(matchFilters(branches, "releases/special-alpha")).toBe(true);
  });
});

describe("refName and refKind", () => {
  it("strips refs/heads/ and refs/tags/", () => {
    expect(refName("refs/heads/feature/x")).toBe("feature/x");
    expect(refName("refs/tags/v1.0")).toBe("v1.0");
    expect(refName("refs/pull/1/merge")).toBe("refs/pull/1/merge");
    expect(refName("main")).toBe("main");
    expect(refKind("refs/heads/main")).toBe("branch");
    expect(refKind("refs/tags/v1")).toBe("tag");
    expect(refKind("refs/pull/1/merge")).toBe("other");
  });
});

const push = (ref: string, changedFiles?: string[] | null): TriggerEvent => ({
  name: "push",
  ref,
  changedFiles,
});
const pr = (baseRef: string | undefined, extra: Partial<TriggerEvent> = {}): TriggerEvent => ({
  name: "pull_request",
  ref: "refs/pull/7/merge",
  baseRef,
  ...extra,
});

describe("matchTrigger: event names", () => {
  it("requires the event to be a key of on:", () => {
    const r = matchTrigger({ push: {} }, { name: "pull_request", ref: "refs/heads/main" });
    expect(r.matched).toBe(false);
    expect(r.reason).toContain("pull_request");
  });

  it("never triggers workflow_call directly", () => {
    expect(
      matchTrigger({ workflow_call: {} }, { name: "workflow_call", ref: "refs/heads/main" }).matched,
    ).toBe(false);
  });

  it("matches workflow_dispatch, schedule and a bare push", () => {
    const events: EventsConfig = { push: {}, workflow_dispatch: {}, schedule: [{ cron: "0 0 * * *" }] };
    expect(matchTrigger(events, { name: "workflow_dispatch", ref: "refs/heads/x" }).matched).toBe(true);
    expect(matchTrigger(events, { name: "schedule", ref: "refs/heads/main" }).matched).toBe(true);
    expect(matchTrigger(events, push("refs/heads/anything")).matched).toBe(true);
    expect(matchTrigger(events, push("refs/tags/v1")).matched).toBe(true);
  });

  it("tolerates a null event config", () => {
    expect(matchTrigger({ push: null } as unknown as EventsConfig, push("refs/heads/main")).matched).toBe(
      true,
    );
  });

  it("applies types to other events", () => {
    const events: EventsConfig = { issues: { types: ["opened"] }, release: {} };
    expect(matchTrigger(events, { name: "issues", ref: "refs/heads/main", action: "opened" }).matched).toBe(
      true,
    );
    expect(matchTrigger(events, { name: "issues", ref: "refs/heads/main", action: "closed" }).matched).toBe(
      false,
    );
    expect(matchTrigger(events, { name: "release", ref: "refs/heads/main", action: "deleted" }).matched).toBe(
      true,
    );
  });

  it("filters workflow_run by the head branch", () => {
    const events: EventsConfig = {
      workflow_run: { workflows: ["CI"], branches: ["main"], types: ["completed"] },
    };
    const ev = { name: "workflow_run", ref: "refs/heads/main", action: "completed" };
    expect(matchTrigger(events, ev).matched).toBe(true);
    expect(matchTrigger(events, { ...ev, ref: "refs/heads/dev" }).matched).toBe(false);
    expect(matchTrigger(events, { ...ev, action: "requested" }).matched).toBe(false);
  });
});

describe("matchTrigger: push branches and tags", () => {
  it("filters branches and explains a miss", () => {
    const events: EventsConfig = { push: { branches: ["main", "develop"] } };
    expect(matchTrigger(events, push("refs/heads/main")).matched).toBe(true);
    const r = matchTrigger(events, push("refs/heads/feature/x"));
    expect(r).toEqual({
      matched: false,
      reason: 'branch "feature/x" does not match push.branches [main, develop]',
    });
  });

  it("does not run tag pushes when only branches are filtered, and vice versa", () => {
    expect(matchTrigger({ push: { branches: ["**"] } }, push("refs/tags/v1")).matched).toBe(false);
    expect(matchTrigger({ push: { "branches-ignore": ["dev"] } }, push("refs/tags/v1")).matched).toBe(false);
    expect(matchTrigger({ push: { tags: ["v*"] } }, push("refs/heads/main")).matched).toBe(false);
    expect(matchTrigger({ push: { "tags-ignore": ["v*"] } }, push("refs/heads/main")).matched).toBe(false);
  });

  it("runs both kinds when both are filtered", () => {
    const events: EventsConfig = { push: { branches: ["main"], tags: ["v*"] } };
    expect(matchTrigger(events, push("refs/heads/main")).matched).toBe(true);
    expect(matchTrigger(events, push("refs/tags/v2")).matched).toBe(true);
    expect(matchTrigger(events, push("refs/tags/x2")).matched).toBe(false);
    expect(matchTrigger(events, push("refs/heads/dev")).matched).toBe(false);
  });

  it("applies branches-ignore and tags-ignore", () => {
    const events: EventsConfig = {
      push: { "branches-ignore": ["mona/octocat", "releases/**-alpha"], "tags-ignore": ["v2"] },
    };
    expect(matchTrigger(events, push("refs/heads/releases/1-alpha")).matched).toBe(false);
    expect(matchTrigger(events, push("refs/heads/releases/1")).matched).toBe(true);
    expect(matchTrigger(events, push("refs/tags/v2")).reason).toBe('tag "v2" matches push.tags-ignore [v2]');
    expect(matchTrigger(events, push("refs/tags/v1.0")).matched).toBe(true);
  });

  it("uses negated patterns in branches", () => {
    const events: EventsConfig = { push: { branches: ["releases/**", "!releases/**-alpha"] } };
    expect(matchTrigger(events, push("refs/heads/releases/10")).matched).toBe(true);
    expect(matchTrigger(events, push("refs/heads/releases/10-alpha")).matched).toBe(false);
  });

  it("refuses refs that are neither branches nor tags when refs are filtered", () => {
    expect(matchTrigger({ push: { branches: ["**"] } }, push("refs/notes/x")).matched).toBe(false);
    expect(matchTrigger({ push: {} }, push("refs/notes/x")).matched).toBe(true);
  });
});

describe("matchTrigger: paths", () => {
  const events: EventsConfig = { push: { paths: ["**.js"] } };

  it("needs one changed file to match paths", () => {
    expect(matchTrigger(events, push("refs/heads/main", ["README.md", "src/a.js"])).matched).toBe(true);
    const r = matchTrigger(events, push("refs/heads/main", ["README.md"]));
    expect(r.matched).toBe(false);
    expect(r.reason).toContain("push.paths [**.js]");
  });

  it("needs one changed file outside paths-ignore", () => {
    const ignore: EventsConfig = { push: { "paths-ignore": ["docs/**"] } };
    expect(matchTrigger(ignore, push("refs/heads/main", ["docs/a.md", "docs/b/c.md"])).matched).toBe(false);
    expect(matchTrigger(ignore, push("refs/heads/main", ["docs/a.md", "src/x.ts"])).matched).toBe(true);
  });

  it("applies negations inside paths in order", () => {
    const neg: EventsConfig = { push: { paths: ["sub-project/**", "!sub-project/docs/**"] } };
    expect(matchTrigger(neg, push("refs/heads/main", ["sub-project/docs/a.md"])).matched).toBe(false);
    expect(
      matchTrigger(neg, push("refs/heads/main", ["sub-project/docs/a.md", "sub-project/a.ts"])).matched,
    ).toBe(true);
  });

  it("does not exclude when changed files are unknown, and says so", () => {
    const r = matchTrigger(events, push("refs/heads/main", null));
    expect(r.matched).toBe(true);
    expect(r.reason).toContain("changed files unknown");
    expect(matchTrigger(events, push("refs/heads/main")).matched).toBe(true);
  });

  it("does not run path-filtered workflows when nothing changed", () => {
    expect(matchTrigger(events, push("refs/heads/main", [])).matched).toBe(false);
    expect(matchTrigger({ push: { "paths-ignore": ["docs/**"] } }, push("refs/heads/main", [])).matched).toBe(
      false,
    );
    expect(matchTrigger({ push: {} }, push("refs/heads/main", [])).matched).toBe(true);
  });

  it("requires both branch and path filters", () => {
    const both: EventsConfig = { push: { branches: ["main"], paths: ["src/**"] } };
    expect(matchTrigger(both, push("refs/heads/main", ["src/a"])).matched).toBe(true);
    expect(matchTrigger(both, push("refs/heads/dev", ["src/a"])).matched).toBe(false);
    expect(matchTrigger(both, push("refs/heads/main", ["docs/a"])).matched).toBe(false);
  });

  it("skips path filters for tag pushes", () => {
    const tagged: EventsConfig = { push: { tags: ["v*"], paths: ["src/**"] } };
    expect(matchTrigger(tagged, push("refs/tags/v1", ["docs/a"])).matched).toBe(true);
  });
});

describe("matchTrigger: pull requests", () => {
  it("filters branches against the base branch", () => {
    const events: EventsConfig = { pull_request: { branches: ["main"] } };
    expect(matchTrigger(events, pr("main", { ref: "refs/heads/feature" })).matched).toBe(true);
    expect(matchTrigger(events, pr("refs/heads/main")).matched).toBe(true);
    const r = matchTrigger(events, pr("develop", { ref: "refs/heads/main" }));
    expect(r).toEqual({
      matched: false,
      reason: 'branch "develop" does not match pull_request.branches [main]',
    });
  });

  it("applies branches-ignore to the base branch", () => {
    const events: EventsConfig = { pull_request_target: { "branches-ignore": ["releases/**"] } };
    const ev = { name: "pull_request_target", ref: "refs/heads/main" };
    expect(matchTrigger(events, { ...ev, baseRef: "releases/1" }).matched).toBe(false);
    expect(matchTrigger(events, { ...ev, baseRef: "main" }).matched).toBe(true);
  });

  it("falls back to ref for the base branch, and skips branch filters when it is unknown", () => {
    const events: EventsConfig = { pull_request: { branches: ["main"] } };
    expect(matchTrigger(events, { name: "pull_request", ref: "refs/heads/dev" }).matched).toBe(false);
    const r = matchTrigger(events, pr(undefined));
    expect(r.matched).toBe(true);
    expect(r.reason).toContain("base branch unknown");
  });

  it("defaults types to opened, synchronize and reopened", () => {
    const events: EventsConfig = { pull_request: {} };
    for (const action of ["opened", "synchronize", "reopened"]) {
      expect(matchTrigger(events, pr("main", { action })).matched).toBe(true);
    }
    const r = matchTrigger(events, pr("main", { action: "closed" }));
    expect(r.matched).toBe(false);
    expect(r.reason).toContain("default pull_request types");
    expect(matchTrigger(events, pr("main")).matched).toBe(true);
  });

  it("uses explicit types", () => {
    const events: EventsConfig = { pull_request: { types: ["closed", "labeled"] } };
    expect(matchTrigger(events, pr("main", { action: "closed" })).matched).toBe(true);
    expect(matchTrigger(events, pr("main", { action: "opened" })).matched).toBe(false);
  });

  it("applies paths to pull requests", () => {
    const events: EventsConfig = { pull_request: { branches: ["main"], "paths-ignore": ["**.md"] } };
    expect(matchTrigger(events, pr("main", { changedFiles: ["README.md"] })).matched).toBe(false);
    expect(matchTrigger(events, pr("main", { changedFiles: ["README.md", "a.ts"] })).matched).toBe(true);
  });
});

describe("matchTrigger: skip instructions", () => {
  const events: EventsConfig = {
    push: {},
    pull_request: {},
    pull_request_target: {},
    workflow_dispatch: {},
  };
  const message = "docs: typo [skip ci]";

  it("stops push and pull_request, and says why", () => {
    const push = matchTrigger(events, { name: "push", ref: "refs/heads/main", headCommitMessage: message });
    expect(push.matched).toBe(false);
    expect(push.reason).toContain('"[skip ci]"');
    const trailer = "Update\n\nskip-checks: true";
    expect(matchTrigger(events, pr("main", { headCommitMessage: trailer })).matched).toBe(false);
  });

  it("does not stop other events, or workflows that do not match anyway", () => {
    const ev = { ref: "refs/heads/main", headCommitMessage: message };
    expect(matchTrigger(events, { name: "pull_request_target", ...ev, baseRef: "main" }).matched).toBe(true);
    expect(matchTrigger(events, { name: "workflow_dispatch", ...ev }).matched).toBe(true);
    const other = matchTrigger({ push: { branches: ["release"] } }, { name: "push", ...ev });
    expect(other.reason).toContain("does not match push.branches");
  });

  it("runs when the message is unknown or has no instruction", () => {
    expect(matchTrigger(events, { name: "push", ref: "refs/heads/main" }).matched).toBe(true);
    const ev = { name: "push", ref: "refs/heads/main", headCommitMessage: "skip ci later" };
    expect(matchTrigger(events, ev).matched).toBe(true);
  });
});
