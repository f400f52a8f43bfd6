/** Sluice's public API: the engine as a library (the CLI is a thin layer over these). */
export * from "./core/errors";
export { runRepository } from "./engine/run-repository";
export type { RunRequest, RepositoryRun } from "./engine/run-repository";
export { silentReporter } from "./engine/types";
export type { RunReporter, RunResult, JobResult, StepResult, EventInfo } from "./engine/types";
export { validateRepository } from "./engine/validate";
export { parseWorkflowText, loadWorkflow } from "./workflow/load";
export { openStore } from "./store/registry";
export type { Store } from "./store/types";
export { sluiceConfigSchema } from "./config/schema";
export type { SluiceConfig, SluiceConfigInput } from "./config/schema";
export { EnvironmentAgent } from "./deploy/controller/agent";
export type { AgentOptions } from "./deploy/controller/agent";
export { buildDeploymentSpec } from "./deploy/controller/deployment-spec";
export type { DeploymentSpec } from "./deploy/controller/deployment-spec";
export { startDeployment } from "./deploy/client/start-deployment";
export type { StartDeploymentRequest } from "./deploy/client/start-deployment";
export { parseReport, detectFormat, reportParsers } from "./report/registry";
export { readReport, readReports } from "./report/read";
export { junitParser } from "./report/parsers/junit";
export { coberturaParser } from "./report/parsers/cobertura";
export type { Report, ReportFormat, ReportParser } from "./report/types";
export { evaluateGate } from "./gate/evaluate";
export { metricsFromReports } from "./gate/metrics";
export { buildCycloneDx, buildSpdx, generateSbom } from "./scan/sbom/index";
export type { SbomMeta, SbomFormat, GenerateSbomOptions } from "./scan/sbom/index";
export {
  evaluateLicenses,
  scanLicenses,
  normalizeLicense,
  resolveInstalledLicenses,
} from "./scan/license/index";
export type { LicensePolicy, NormalizedLicense } from "./scan/license/index";
export * from "./deploy/router/index";
export {
  sequentialJudge,
  thresholdJudge,
  mannWhitneyJudge,
  getJudge,
  assessAnalysis,
  initialAnalysisState,
  judgeOutcome,
  createMetricProvider,
  simulateCanary,
  medianSecond,
  createPrng,
} from "./analysis/index";
export { scanSecrets, loadSecretsConfig, defaultSecretsConfig } from "./scan/secrets/index";
export type { ScanSecretsOptions, SecretsScanMode, SecretsConfig } from "./scan/secrets/index";
