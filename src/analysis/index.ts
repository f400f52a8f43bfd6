/** Canary analysis: metric providers, judges, limits, and the simulation the benchmarks use. */
export type {
  HistogramBucket,
  Measurement,
  MeasurementWindow,
  MetricProvider,
  MetricProviderContext,
  MetricProviderFactory,
  MetricQuery,
} from "./provider/types";
export { createMetricProvider, metricProviderFactories, metricProviderTypes } from "./provider/registry";
export {
  HttpMetricProvider,
  httpProviderConfigSchema,
  httpQueryOptionsSchema,
  HTTP_PROVIDER_TYPE,
} from "./provider/http";
export {
  PrometheusMetricProvider,
  prometheusProviderConfigSchema,
  prometheusQueryOptionsSchema,
  PROMETHEUS_PROVIDER_TYPE,
} from "./provider/prometheus";
export { errorMeasurement, expandQuery, valueMeasurement } from "./provider/measurement";
export type { Judge, JudgeResult, Sample, Verdict } from "./judge/types";
export { getJudge, judges, judgeTypes } from "./judge/registry";
export { thresholdJudge, thresholdSpecSchema, THRESHOLD_JUDGE_TYPE } from "./judge/threshold";
export type { ThresholdSpec } from "./judge/threshold";
export { mannWhitneyJudge, mannWhitneySpecSchema, MANN_WHITNEY_JUDGE_TYPE } from "./judge/mann-whitney";
export type { MannWhitneySpec } from "./judge/mann-whitney";
export { sequentialJudge, sequentialSpecSchema, SEQUENTIAL_JUDGE_TYPE } from "./judge/sequential";
export type { SequentialSpec } from "./judge/sequential";
export { DEFAULT_LATENCY_BUCKETS_MS } from "./judge/sequential-tests";
export { assessAnalysis, initialAnalysisState, judgeOutcome } from "./assess";
export type {
  AnalysisAssessment,
  AnalysisDecision,
  AnalysisLimits,
  AnalysisOutcome,
  AnalysisPhase,
  AnalysisState,
} from "./assess";
export { mannWhitneyU } from "./stats/mann-whitney-u";
export type { MannWhitneyResult } from "./stats/mann-whitney-u";
export { logRateEvidence } from "./stats/rate-evidence";
export { createPrng } from "./stats/prng";
export type { Prng } from "./stats/prng";
export { medianSecond, simulateCanary } from "./simulation";
export type { SimulationOptions, SimulationResult, VersionProfile } from "./simulation";
