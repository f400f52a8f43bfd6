/**
 * Test support: where report fixtures live and which formats the shared golden and fuzz suites
 * cover (JUnit and Cobertura have suites of their own beside their XML scanner).
 */
import { fileURLToPath } from "node:url";
import type { ReportFormat } from "../types";

export const FIXTURE_ROOT = fileURLToPath(new URL("../../../test/fixtures/reports/", import.meta.url));

export const SHARED_SUITE_FORMATS: readonly ReportFormat[] = [
  "lcov",
  "istanbul-summary",
  "istanbul-final",
  "sarif",
  "eslint",
  "tsc",
  "npm-audit",
  "k6",
  "autocannon",
];
