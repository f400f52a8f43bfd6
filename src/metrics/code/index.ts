/**
 * Code metrics Sluice computes itself when no tool report provides them: cyclomatic complexity,
 * duplication, and coverage on new code. The measurers are pure; `collectSourceFiles`,
 * `readSourceFiles` and `changedLines` are the I/O edges.
 */
export type { ComplexityReport, FunctionComplexity, FunctionKind } from "./complexity";
export {
  SCRIPT_EXTENSIONS,
  measureComplexity,
  measureFileComplexity,
  scriptKindOf,
  summarizeComplexity,
} from "./complexity";
export type { CodeSpan, Duplicate, DuplicationOptions, DuplicationReport } from "./duplication";
export { detectDuplication } from "./duplication";
export type { TokenStream, TokenizeOptions } from "./tokenize";
export type { ChangedLines, ChangedLinesOptions } from "./changed-lines";
export { changedLines, parseUnifiedDiff } from "./changed-lines";
export type { NewCodeCoverage, UncoveredLines } from "./new-code-coverage";
export { matchCoverageFiles, newCodeCoverage, resolveCoveragePath } from "./new-code-coverage";
export {
  DEFAULT_SOURCE_GLOBS,
  DEFAULT_SOURCE_IGNORE,
  collectSourceFiles,
  readSourceFiles,
} from "./source-files";
