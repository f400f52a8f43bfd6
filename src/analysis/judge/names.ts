/**
 * The judge types, without the judges: sluice.yml's schema checks `judge.type` against this list
 * while the judges themselves (and cel-js, which the threshold judge compiles conditions with) load
 * only when a configuration has analyses. registry.test.ts keeps it equal to the registry's keys.
 */
export const JUDGE_TYPES: readonly string[] = Object.freeze(["threshold", "mann-whitney", "sequential"]);
