/**
 * The judge registry: `type` in an analysis' `judge:` block → judge. An unknown type is a
 * configuration error (SLUICE_E_CONFIG), never a silent fallback.
 */
import { createError } from "../../core/errors";
import { JUDGE_TYPES } from "./names";
import { mannWhitneyJudge } from "./mann-whitney";
import { sequentialJudge } from "./sequential";
import { thresholdJudge } from "./threshold";
import type { Judge } from "./types";

export const judges: Readonly<Record<string, Judge<never>>> = Object.freeze({
  [thresholdJudge.type]: thresholdJudge as Judge<never>,
  [mannWhitneyJudge.type]: mannWhitneyJudge as Judge<never>,
  [sequentialJudge.type]: sequentialJudge as Judge<never>,
});

/** Judge types known to this build. */
export const judgeTypes: readonly string[] = JUDGE_TYPES;

/** The judge named `type`; SLUICE_E_CONFIG when there is none. */
export function getJudge(type: string): Judge<unknown> {
  if (!Object.hasOwn(judges, type)) {
    throw createError(
      "SLUICE_E_CONFIG",
      `Unknown judge type ${JSON.stringify(type)}; expected one of: ${judgeTypes.join(", ")}.`,
    );
  }
  return judges[type] as unknown as Judge<unknown>;
}
