import type { WorkflowTemplate } from "@actions/workflow-parser";
import { SKIPPABLE_EVENTS, skipInstruction } from "./skip-instructions";

/**
 * Trigger matching: does an event start a workflow, given its `on:` block?
 *
 * Branch, tag and path filters use GitHub's own pattern language ("filter pattern cheat sheet"), which we
 * compile to regular expressions ourselves rather than through a glob library: in it `?` and `+` are
 * quantifiers on the preceding character (`*.jsx?` matches `page.js`), whereas every glob library reads `?`
 * as "any one character" and `+` as a literal or an extglob, so a glob matcher would silently disagree
 * with GitHub on patterns such as `v[12].[0-9]+.[0-9]+`.
 */

/** The parsed `on:` block, as `@actions/workflow-parser` produces it. */
export type EventsConfig = WorkflowTemplate["events"];

/** The event Sluice is asked to run workflows for. */
export interface TriggerEvent {
  /** The event name, as a key of `on:` (`push`, `pull_request`, `workflow_dispatch`, ...). */
  name: string;
  /** The full ref: `refs/heads/<branch>` or `refs/tags/<tag>` (for pull requests, the head or merge ref). */
  ref: string;
  /** For pull_request(_target): the target (base) branch, with or without `refs/heads/`. */
  baseRef?: string;
  /** The activity type (`opened`, `closed`, ...) for events that have `types`; undefined = not known. */
  action?: string;
  /** Paths changed by the push or pull request, relative to the repository root; null/undefined = unknown. */
  changedFiles?: string[] | null;
  /** The message of the pushed commit or of the pull request's head commit; undefined = unknown. */
  headCommitMessage?: string;
}

/** The outcome of {@link matchTrigger}; `reason` is a sentence for people, not for code. */
export interface TriggerMatch {
  matched: boolean;
  reason: string;
}

/** The activity types GitHub uses for pull_request and pull_request_target when `types` is omitted. */
export const DEFAULT_PULL_REQUEST_TYPES: readonly string[] = ["opened", "synchronize", "reopened"];

const HEADS = "refs/heads/";
const TAGS = "refs/tags/";

/** `refs/heads/x` → `x`, `refs/tags/v1` → `v1`; any other string is returned unchanged. */
export function refName(ref: string): string {
  if (ref.startsWith(HEADS)) return ref.slice(HEADS.length);
  if (ref.startsWith(TAGS)) return ref.slice(TAGS.length);
  return ref;
}

/** Whether a full ref names a branch, a tag, or something else (`refs/pull/1/merge`, a bare name). */
export function refKind(ref: string): "branch" | "tag" | "other" {
  if (ref.startsWith(HEADS)) return "branch";
  if (ref.startsWith(TAGS)) return "tag";
  return "other";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Compiles the inside of a `[...]` class; a reversed range such as `z-a` is read as three literal characters. */
function compileClass(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const from = body[i] as string;
    const to = body[i + 2];
    if (body[i + 1] === "-" && to !== undefined && from <= to) {
      out += `${escapeRegExp(from)}-${escapeRegExp(to)}`;
      i += 2;
    } else {
      out += escapeRegExp(from);
    }
  }
  return `[${out}]`;
}

/**
 * Compiles one filter pattern to an anchored RegExp (the whole name or path must match).
 *
 * `*` matches any run of characters except `/`; `**` matches any run including `/` (and `**\/` at the
 * start of a segment also matches no directory at all, so `docs/**\/*.md` matches `docs/README.md`);
 * `?` and `+` make the preceding character or `[...]` class optional / repeated (with nothing to repeat
 * they are literal); `[...]` is a character class with ranges; `\` escapes the next character; every
 * other character is literal. A leading `!` is not part of the match: it is stripped here and handled by
 * {@link matchFilters}. Never throws.
 */
export function compileFilterPattern(pattern: string): RegExp {
  const p = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  let re = "";
  // Whether the last emitted token is a single character or class that `?`/`+` may quantify.
  let quantifiable = false;
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === "*") {
      if (p[i + 1] === "*") {
        const segmentStart = i === 0 || p[i - 1] === "/";
        i += 2;
        while (p[i] === "*") i++;
        if (segmentStart && p[i] === "/") {
          re += "(?:.*/)?";
          i++;
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
        i++;
      }
      quantifiable = false;
    } else if (c === "?" || c === "+") {
      re += quantifiable ? c : escapeRegExp(c);
      // `a??` is "optional a" then a literal `?`: a quantifier cannot itself be quantified.
      quantifiable = !quantifiable;
      i++;
    } else if (c === "[") {
      const close = p.indexOf("]", i + 1);
      if (close > i + 1) {
        re += compileClass(p.slice(i + 1, close));
        i = close + 1;
      } else {
        re += "\\[";
        i++;
      }
      quantifiable = true;
    } else if (c === "\\" && i + 1 < p.length) {
      re += escapeRegExp(p[i + 1] as string);
      i += 2;
      quantifiable = true;
    } else {
      re += escapeRegExp(c);
      i++;
      quantifiable = true;
    }
  }
  return new RegExp(`^${re}$`);
}

// Workflows repeat the same few patterns for every event; compiling them once keeps matching cheap.
const compiled = new Map<string, RegExp>();

function compileCached(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re === undefined) {
    if (compiled.size >= 1000) compiled.clear();
    re = compileFilterPattern(pattern);
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * Whether `value` is selected by an ordered list of filter patterns. Patterns are evaluated in order and
 * the last one that matches decides: a positive pattern includes, a `!` pattern excludes, so a later
 * positive pattern re-includes a value an earlier negation excluded. A value no pattern matches is not
 * selected, hence a list of only negations selects nothing. Pure.
 */
export function matchFilters(patterns: readonly string[], value: string): boolean {
  let selected = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    // Only a pattern that could change the outcome needs testing.
    if (negated === selected && compileCached(pattern).test(value)) selected = !negated;
  }
  return selected;
}

type FilterKey = "branches" | "branches-ignore" | "tags" | "tags-ignore" | "paths" | "paths-ignore" | "types";

function list(config: unknown, key: FilterKey): string[] | undefined {
  if (config === null || typeof config !== "object") return undefined;
  const value = (config as Record<string, unknown>)[key];
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => String(item));
}

function show(patterns: readonly string[]): string {
  return `[${patterns.join(", ")}]`;
}

/** The failure reason of a branch or tag filter pair, or undefined when the name passes. */
function refFilterFailure(
  kind: "branch" | "tag",
  name: string,
  include: string[] | undefined,
  ignore: string[] | undefined,
  event: string,
): string | undefined {
  const key = kind === "branch" ? "branches" : "tags";
  if (include && !matchFilters(include, name))
    return `${kind} "${name}" does not match ${event}.${key} ${show(include)}`;
  if (ignore && matchFilters(ignore, name))
    return `${kind} "${name}" matches ${event}.${key}-ignore ${show(ignore)}`;
  return undefined;
}

interface Check {
  failure?: string;
  note?: string;
}

function pathCheck(config: unknown, files: readonly string[] | null | undefined, event: string): Check {
  const paths = list(config, "paths");
  const ignore = list(config, "paths-ignore");
  if (!paths && !ignore) return {};
  // GitHub runs the workflow when it cannot compute the diff; an unknown change set must not exclude either.
  if (files == null) return { note: "changed files unknown, path filters not applied" };
  if (files.length === 0) return { failure: `no files changed, so ${event} path filters cannot match` };
  if (paths && !files.some((f) => matchFilters(paths, f))) {
    return { failure: `none of ${files.length} changed file(s) matches ${event}.paths ${show(paths)}` };
  }
  if (ignore && files.every((f) => matchFilters(ignore, f))) {
    return { failure: `all ${files.length} changed file(s) match ${event}.paths-ignore ${show(ignore)}` };
  }
  return {};
}

function typesCheck(
  config: unknown,
  action: string | undefined,
  event: string,
  defaults?: readonly string[],
): Check {
  const types = list(config, "types") ?? defaults;
  if (!types || action === undefined) return {};
  if (types.includes(action)) return {};
  const where = list(config, "types") ? `${event}.types` : `the default ${event} types`;
  return { failure: `activity type "${action}" is not in ${where} ${show(types)}` };
}

function miss(reason: string): TriggerMatch {
  return { matched: false, reason };
}

function verdict(subject: string, checks: Check[]): TriggerMatch {
  const failed = checks.find((c) => c.failure !== undefined);
  if (failed?.failure !== undefined) return miss(failed.failure);
  const notes = checks.flatMap((c) => (c.note === undefined ? [] : [c.note]));
  return { matched: true, reason: `${subject} matches${notes.length > 0 ? ` (${notes.join("; ")})` : ""}` };
}

function matchPush(config: unknown, ev: TriggerEvent): TriggerMatch {
  const branches = list(config, "branches");
  const branchesIgnore = list(config, "branches-ignore");
  const tags = list(config, "tags");
  const tagsIgnore = list(config, "tags-ignore");
  const branchFiltered = branches !== undefined || branchesIgnore !== undefined;
  const tagFiltered = tags !== undefined || tagsIgnore !== undefined;
  const kind = refKind(ev.ref);
  const name = refName(ev.ref);

  if (kind === "branch") {
    if (tagFiltered && !branchFiltered) {
      return miss(`push to branch "${name}": push filters only tags, so branch pushes do not match`);
    }
    const failure = refFilterFailure("branch", name, branches, branchesIgnore, "push");
    return verdict(`push to branch "${name}"`, [{ failure }, pathCheck(config, ev.changedFiles, "push")]);
  }
  if (kind === "tag") {
    if (branchFiltered && !tagFiltered) {
      return miss(`push of tag "${name}": push filters only branches, so tag pushes do not match`);
    }
    // GitHub does not evaluate path filters for tag pushes.
    return verdict(`push of tag "${name}"`, [
      { failure: refFilterFailure("tag", name, tags, tagsIgnore, "push") },
    ]);
  }
  if (branchFiltered || tagFiltered) {
    return miss(`push to "${ev.ref}" is neither a branch nor a tag, and push has ref filters`);
  }
  return verdict(`push to "${ev.ref}"`, [pathCheck(config, ev.changedFiles, "push")]);
}

function matchPullRequest(config: unknown, ev: TriggerEvent): TriggerMatch {
  const event = ev.name;
  const types = typesCheck(config, ev.action, event, DEFAULT_PULL_REQUEST_TYPES);
  const branches = list(config, "branches");
  const ignore = list(config, "branches-ignore");
  const base =
    ev.baseRef !== undefined
      ? refName(ev.baseRef)
      : refKind(ev.ref) === "branch"
        ? refName(ev.ref)
        : undefined;
  let branchCheck: Check = {};
  if (branches !== undefined || ignore !== undefined) {
    // Branch filters of pull request events select the base (target) branch, not the head branch.
    branchCheck =
      base === undefined
        ? { note: "base branch unknown, branch filters not applied" }
        : { failure: refFilterFailure("branch", base, branches, ignore, event) };
  }
  const subject = `${event}${ev.action ? ` (${ev.action})` : ""}${base !== undefined ? ` into "${base}"` : ""}`;
  return verdict(subject, [types, branchCheck, pathCheck(config, ev.changedFiles, event)]);
}

function matchOther(config: unknown, ev: TriggerEvent): TriggerMatch {
  const checks: Check[] = [typesCheck(config, ev.action, ev.name)];
  // workflow_run's branch filters select the head branch of the triggering run, which is what `ref` names.
  if (ev.name === "workflow_run") {
    const failure = refFilterFailure(
      "branch",
      refName(ev.ref),
      list(config, "branches"),
      list(config, "branches-ignore"),
      ev.name,
    );
    checks.push({ failure });
  }
  return verdict(`event "${ev.name}"`, checks);
}

/**
 * Whether `ev` triggers a workflow whose `on:` block is `events`, following GitHub's documented rules:
 * the event must be a key of `on:`; `workflow_call` is never triggered directly; push branch/tag filters
 * (a push of a kind that has no filter while the other kind has one does not match; tag pushes skip path
 * filters); pull request branch filters select the base branch and `types` defaults to opened, synchronize
 * and reopened; `paths` needs one changed file selected, `paths-ignore` needs one changed file not ignored,
 * and an empty change set matches neither; branch and path filters must both pass; a skip instruction in
 * the head commit message (`[skip ci]`…) stops push and pull_request. Unknown facts (no `changedFiles`,
 * no `baseRef`, no `action`) never exclude; the reason then says which filter was skipped. Pure.
 */
export function matchTrigger(events: EventsConfig, ev: TriggerEvent): TriggerMatch {
  if (ev.name === "workflow_call") {
    return miss("workflow_call workflows run only when another workflow calls them");
  }
  if (!Object.hasOwn(events, ev.name)) {
    const keys = Object.keys(events);
    return miss(`workflow is not triggered by ${ev.name} (on: ${keys.join(", ") || "nothing"})`);
  }
  const config: unknown = events[ev.name];
  const match = matchEvent(config, ev);
  if (!match.matched || !SKIPPABLE_EVENTS.includes(ev.name) || ev.headCommitMessage === undefined)
    return match;
  const instruction = skipInstruction(ev.headCommitMessage);
  return instruction
    ? miss(`${ev.name} matches, but the head commit message skips it with ${instruction}`)
    : match;
}

function matchEvent(config: unknown, ev: TriggerEvent): TriggerMatch {
  switch (ev.name) {
    case "push":
      return matchPush(config, ev);
    case "pull_request":
    case "pull_request_target":
      return matchPullRequest(config, ev);
    default:
      return matchOther(config, ev);
  }
}
