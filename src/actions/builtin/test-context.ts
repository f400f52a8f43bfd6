/**
 * A hand-made BuiltinContext over temp directories for the built-in actions' unit tests. Records
 * outputs, log lines, PATH additions and exported variables; state persists between the main and
 * post phases when the same `state` map is passed to both.
 */
import type { Store } from "../../store/types";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltinContext } from "../types";

export interface TestContext extends BuiltinContext {
  outputs: Record<string, string>;
  logs: string[];
  paths: string[];
  exported: Record<string, string>;
  state: Map<string, string>;
}

/** A fresh sandbox: a workspace, a state directory and a home directory under one temp root. */
export interface Sandbox {
  root: string;
  workspace: string;
  stateDir: string;
  home: string;
  cleanup(): Promise<void>;
}

export async function createSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "sluice-builtin-"));
  const sandbox = {
    root,
    workspace: join(root, "workspace"),
    stateDir: join(root, "state"),
    home: join(root, "home"),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await Promise.all(
    [sandbox.workspace, sandbox.stateDir, sandbox.home].map((d) => mkdir(d, { recursive: true })),
  );
  return sandbox;
}

/** Stands in for the store in tests of actions that must not touch it. */
const noStore = new Proxy({} as Store, {
  get: (_t, prop) => () => Promise.reject(new Error(`this test context has no store (${String(prop)})`)),
});

export function createTestContext(
  sandbox: Sandbox,
  inputs: Record<string, string>,
  options: { runId?: string; env?: Record<string, string>; state?: Map<string, string>; store?: Store } = {},
): TestContext {
  const state = options.state ?? new Map<string, string>();
  const ctx: TestContext = {
    inputs,
    input: (name) => {
      const key = Object.keys(inputs).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? "" : (inputs[key] ?? "");
    },
    workspace: sandbox.workspace,
    env: { HOME: sandbox.home, PATH: process.env.PATH ?? "", ...options.env },
    stateDir: sandbox.stateDir,
    runId: options.runId ?? "1",
    outputs: {},
    logs: [],
    paths: [],
    exported: {},
    state,
    log: (line) => void ctx.logs.push(line),
    setOutput: (name, value) => void (ctx.outputs[name] = value),
    addPath: (dir) => void ctx.paths.push(dir),
    exportVariable: (name, value) => void (ctx.exported[name] = value),
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? "",
    store: options.store ?? noStore,
    signal: new AbortController().signal,
  };
  return ctx;
}
