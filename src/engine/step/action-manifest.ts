/**
 * Reads an action's action.yml (local `./path` or vendored) with GitHub's action parser, against the
 * runner's leniency on name and description (workflow/action-schema.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { NoOperationTraceWriter } from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import type { ActionTemplate } from "@actions/workflow-parser/actions/index";
import {
  TemplateContext,
  TemplateValidationErrors,
} from "@actions/workflow-parser/templates/template-context";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { createError } from "../../core/errors";
import { actionSchema } from "../../workflow/action-schema";
import { buildStep } from "../../workflow/load";
import type { StepDef } from "../../workflow/model";
import { mappingEntries } from "../../workflow/tokens";

export interface ActionManifest {
  dir: string;
  template: ActionTemplate;
  /** Composite actions: the steps, with every key kept (the converter drops `with`, `shell`…). */
  steps: StepDef[];
}

const cache = new Map<string, ActionManifest>();

export function loadActionManifest(dir: string, displayName: string): ActionManifest {
  const cached = cache.get(dir);
  if (cached) return cached;
  const file = ["action.yml", "action.yaml"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) {
    throw createError("SLUICE_E_ACTION_INVALID", `${displayName}: no action.yml or action.yaml in ${dir}`);
  }
  const content = readFileSync(file, "utf8");
  const context = new TemplateContext(
    new TemplateValidationErrors(),
    actionSchema(),
    new NoOperationTraceWriter(),
  );
  const parsed = parseAction({ name: file, content }, context);
  const template = parsed.value ? convertActionTemplate(parsed.context, parsed.value) : undefined;
  const errors = parsed.context.errors.getErrors();
  if (!parsed.value || !template || errors.length > 0) {
    throw createError("SLUICE_E_ACTION_INVALID", `${displayName}: invalid action manifest`, {
      problems: errors.map((e) => ({
        code: "SLUICE_E_ACTION_INVALID" as const,
        message: e.rawMessage,
        location: { file, line: e.range?.start.line, column: e.range?.start.column },
      })),
    });
  }
  const rawSteps = mappingEntries(mappingEntries(parsed.value).get("runs")).get("steps") as
    { get(i: number): TemplateToken } | undefined;
  const steps =
    template.runs.using === "composite"
      ? template.runs.steps.map((s, i) =>
          buildStep(s as { id: string; if?: { expression: string } }, i, rawSteps?.get(i), file),
        )
      : [];
  const manifest = { dir, template, steps };
  cache.set(dir, manifest);
  return manifest;
}
