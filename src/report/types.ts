/**
 * The common model every report parser produces. A report file of any supported format becomes a
 * `Report`: tests, coverage, findings (lint, type errors, SARIF results, vulnerabilities) and/or
 * performance figures. Gates compute their metrics from this model only, never from raw formats.
 */

export type ReportFormat =
  | "junit"
  | "lcov"
  | "cobertura"
  | "istanbul-summary"
  | "istanbul-final"
  | "sarif"
  | "eslint"
  | "tsc"
  | "npm-audit"
  | "k6"
  | "autocannon";

export type TestStatus = "passed" | "failed" | "errored" | "skipped";

export interface TestCase {
  name: string;
  /** Suite or class name (`classname` in JUnit). */
  suite: string;
  status: TestStatus;
  durationMs: number;
  /** Failure or error message, first line of the details. */
  message?: string;
  file?: string;
  line?: number;
}

export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  durationMs: number;
  cases: TestCase[];
}

/**
 * A covered/total pair. In one file, `total` 0 means nothing to cover; a report whose total is 0 for
 * a dimension has no data for it, and gates leave that metric out rather than call it 100 %.
 */
export interface Ratio {
  covered: number;
  total: number;
}

export interface FileCoverage {
  /** Path as the report gives it (relative paths are relative to the report's project root). */
  path: string;
  lines: Ratio;
  branches: Ratio;
  functions: Ratio;
  /** Istanbul's statements; absent for formats without statement data (lcov, Cobertura). */
  statements?: Ratio;
  /** Hit count per executable line (1-based); only lines the tool instrumented appear. */
  lineHits: Map<number, number>;
}

export interface CoverageSummary {
  lines: Ratio;
  branches: Ratio;
  functions: Ratio;
  /** Present only when every file has statement data (istanbul's formats). */
  statements?: Ratio;
  files: FileCoverage[];
}

export type FindingLevel = "error" | "warning" | "note";
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** One problem a tool reported: a lint message, a type error, a SARIF result, a vulnerability. */
export interface Finding {
  /** Which tool found it (`eslint`, `tsc`, a SARIF driver name, `npm-audit`). */
  tool: string;
  /** What kind of finding: drives metric names (`lint.errors`, `types.errors`, `vulnerabilities.high`). */
  category: "lint" | "types" | "security" | "vulnerability" | "other";
  ruleId: string;
  level: FindingLevel;
  severity?: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Vulnerabilities: the affected package and version range, the fix if known. */
  package?: string;
  /** Vulnerabilities: the affected version range, as the tool states it (`<1.2.6`). */
  range?: string;
  fixAvailable?: boolean;
}

/** Load-test figures (k6, autocannon). Latencies in milliseconds. */
export interface PerfSummary {
  requests: number;
  /** Requests per second over the test. */
  throughput: number;
  errors: number;
  /** errors / requests, 0..1. */
  errorRate: number;
  latency: { avg: number; p50?: number; p90?: number; p95?: number; p99?: number; max: number };
}

/**
 * A tool run that says it did not complete: SARIF `invocations[].executionSuccessful: false` (a
 * scanner that did not run, an analysis that stopped, files a linter could not parse). Its findings,
 * if any, are a partial count: gates treat the metrics it feeds as unavailable, never as zero.
 */
export interface IncompleteRun {
  /** The run's tool (`tool.driver.name`). */
  tool: string;
  /**
   * What the tool said about it: the texts of its invocations' `toolExecutionNotifications`, then
   * `toolConfigurationNotifications`, errors first, then warnings, then notes. Possibly empty.
   */
  notifications: string[];
}

export interface Report {
  format: ReportFormat;
  /** The file it came from, as given to the parser. */
  file: string;
  tests?: TestSummary;
  coverage?: CoverageSummary;
  findings?: Finding[];
  /** SARIF: the tools (driver names) of its runs, including runs without results. */
  tools?: string[];
  /** SARIF: the runs whose invocations say they did not complete; absent when every run did. */
  incompleteRuns?: IncompleteRun[];
  perf?: PerfSummary;
}

/**
 * One parser per format. `parse` never throws for bad input except with a SluiceError
 * `SLUICE_E_REPORT_PARSE` carrying the file and, where known, line and column.
 */
export interface ReportParser {
  format: ReportFormat;
  /** Cheap check on the first few KB (and the file name) used by format auto-detection. */
  detect(head: string, fileName: string): boolean;
  parse(content: string, file: string): Report;
}
