/**
 * `actions/checkout`. A Sluice job already runs in the repository, so checking out is a no-op that
 * reports the commit. Anything that would need the network or would rewrite the user's working tree
 * (another repository, another ref, another path, `clean`) is refused or ignored, never performed.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../types";
import { resolveUserPath } from "./inputs";

/** Inputs that only shape how the real action fetches; here the tree is used as it is. */
const FETCH_INPUTS = [
  "token",
  "ssh-key",
  "ssh-known-hosts",
  "ssh-strict",
  "ssh-user",
  "persist-credentials",
  "clean",
  "filter",
  "sparse-checkout",
  "sparse-checkout-cone-mode",
  "fetch-depth",
  "fetch-tags",
  "show-progress",
  "lfs",
  "submodules",
  "set-safe-directory",
  "github-server-url",
];

/** Runs git in the workspace; resolves to trimmed stdout, or '' when git fails (not a repository, no git). */
export function runGit(ctx: BuiltinContext, args: string[]): Promise<string> {
  return new Promise((done) => {
    execFile("git", args, { cwd: ctx.workspace, env: ctx.env, signal: ctx.signal }, (err, stdout) =>
      done(err ? "" : stdout.trim()),
    );
  });
}

/** `owner/repo` of the workspace's origin remote, lower-cased, or '' when there is none. */
async function originRepository(ctx: BuiltinContext): Promise<string> {
  const url = await runGit(ctx, ["remote", "get-url", "origin"]);
  const m = /[/:]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return m?.[1]?.toLowerCase() ?? "";
}

async function checkRepository(ctx: BuiltinContext): Promise<void> {
  const wanted = ctx.input("repository").trim().toLowerCase();
  if (wanted === "") return;
  const current = (ctx.env.GITHUB_REPOSITORY ?? "").toLowerCase() || (await originRepository(ctx));
  if (wanted === current) return;
  throw createError(
    "SLUICE_E_CHECKOUT",
    `actions/checkout cannot fetch "${wanted}": Sluice runs the job in the local repository` +
      `${current ? ` (${current})` : ""} and uses no network. Vendor that repository or clone it in a run: step.`,
  );
}

function checkPath(ctx: BuiltinContext): void {
  const path = ctx.input("path").trim();
  if (path === "" || resolveUserPath(ctx, path) === resolve(ctx.workspace)) return;
  throw createError(
    "SLUICE_E_CHECKOUT",
    `actions/checkout cannot check out into "${path}": only the current repository, at the workspace, is supported.`,
  );
}

/** The refs that name the run's own commit even when git cannot resolve them (e.g. a PR merge ref). */
function runRefs(ctx: BuiltinContext): string[] {
  return [ctx.env.GITHUB_REF, ctx.env.GITHUB_REF_NAME, ctx.env.GITHUB_SHA].filter((r): r is string => !!r);
}

async function checkRef(ctx: BuiltinContext, head: string): Promise<void> {
  const ref = ctx.input("ref").trim();
  if (ref === "") return;
  if (runRefs(ctx).includes(ref)) {
    ctx.log(`ref "${ref}" is the run's own ref; nothing to switch.`);
    return;
  }
  if (head === "") {
    ctx.log(`ref "${ref}" ignored: the workspace is not a git repository.`);
    return;
  }
  const commit = await runGit(ctx, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit === head) {
    ctx.log(`ref "${ref}" is the current commit ${head}; nothing to switch.`);
    return;
  }
  throw createError(
    "SLUICE_E_CHECKOUT",
    `actions/checkout cannot switch to ref "${ref}" (${commit ? `commit ${commit}` : "unknown here"}): ` +
      `the job runs on the workspace's current commit ${head}, which Sluice never changes.`,
  );
}

async function checkoutMain(ctx: BuiltinContext): Promise<BuiltinResult> {
  await checkRepository(ctx);
  checkPath(ctx);
  const head = await runGit(ctx, ["rev-parse", "HEAD"]);
  await checkRef(ctx, head);

  const ignored = FETCH_INPUTS.filter((name) => ctx.input(name).trim() !== "");
  if (ignored.length > 0) ctx.log(`Ignored (the workspace is used as it is): ${ignored.join(", ")}`);
  if (head === "") {
    ctx.log(`${ctx.workspace} is not a git repository; using it as it is.`);
  } else {
    ctx.log(
      `Using the repository at ${ctx.workspace} as it is (HEAD ${head}); nothing was fetched or cleaned.`,
    );
  }

  const ref =
    ctx.input("ref").trim() ||
    ctx.env.GITHUB_REF ||
    (head === "" ? "" : (await runGit(ctx, ["symbolic-ref", "-q", "HEAD"])) || head);
  ctx.setOutput("ref", ref);
  ctx.setOutput("commit", head);
  return { outcome: "success" };
}

/** `actions/checkout`: reports the workspace's commit; refuses other repositories, refs and paths. */
export const checkoutAction: BuiltinAction = {
  name: "actions/checkout",
  main: checkoutMain,
};
