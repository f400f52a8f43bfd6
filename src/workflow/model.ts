/**
 * Sluice's model of a parsed workflow. Values that may hold `${{ }}` stay as template tokens from
 * @actions/workflow-parser and are evaluated at run time, when their contexts exist.
 */
import type { WorkflowTemplate } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { SourceLocation } from "../core/errors";

export type EventsConfig = WorkflowTemplate["events"];

export interface RunDefaults {
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
}

export interface StepDef {
  /** The step id: the user's `id:`, or GitHub's generated `__run`, `__run_2`, `__owner_repo`… */
  id: string;
  /** True when the user wrote `id:` (generated ids are not addressable as `steps.<id>`). */
  hasUserId: boolean;
  index: number;
  name?: TemplateToken;
  /** The condition with GitHub's implicit `success() &&` already applied. */
  if: string;
  run?: TemplateToken;
  uses?: string;
  with?: TemplateToken;
  env?: TemplateToken;
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  location: SourceLocation;
}

export interface JobDef {
  id: string;
  kind: "job" | "reusable";
  name?: TemplateToken;
  needs: string[];
  /** The condition with GitHub's implicit `success() &&` already applied. */
  if: string;
  runsOn?: TemplateToken;
  env?: TemplateToken;
  defaults: RunDefaults;
  outputs?: TemplateToken;
  strategy?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  concurrency?: TemplateToken;
  environment?: TemplateToken;
  steps: StepDef[];
  /** For reusable workflow calls: `uses:` path, `with:` and `secrets:`. */
  uses?: string;
  with?: TemplateToken;
  secrets?: TemplateToken | "inherit";
  location: SourceLocation;
}

export interface WorkflowDef {
  /** Absolute path of the workflow file. */
  file: string;
  /** Path relative to the repository root, as shown to users and stored. */
  path: string;
  name: string;
  /** `run-name:`, evaluated when the run starts. */
  runName?: TemplateToken;
  events: EventsConfig;
  env?: TemplateToken;
  defaults: RunDefaults;
  concurrency?: TemplateToken;
  /** `on.workflow_call.outputs` of a reusable workflow (each `value` is evaluated over `jobs`). */
  callOutputs?: TemplateToken;
  jobs: JobDef[];
}
