/** The secrets scanner's public surface. */
export { scanSecrets, DEFAULT_MAX_FILE_BYTES, PARALLEL_MIN_BYTES } from "./scan-secrets";
export type { ScanSecretsOptions, SecretsScanMode } from "./scan-secrets";
export { loadSecretsConfig, REPO_CONFIG } from "./config/load";
export type { ConfigOptions } from "./config/load";
export { resolveGitleaksConfig } from "./config/resolve";
export type { ConfigSource, ResolveOptions } from "./config/resolve";
export { translateGoRegex, GoRegexError } from "./config/go-regex";
export { defaultSecretsConfig } from "./rules";
export { compileConfig } from "./engine/compile";
export type { Detector } from "./engine/compile";
export { detectSecrets } from "./engine/detect";
export { toFindings, redact } from "./engine/findings";
export { FINGERPRINT_KEY, fingerprintV2 } from "./fingerprint";
export { applyBaseline, readBaseline, writeBaseline, parseBaseline } from "./baseline";
export type { SecretsBaselineFile } from "./baseline";
export type { AllowlistSpec, JsPattern, RegexTarget, RuleSpec, RuleWindow, SecretsConfig } from "./types";
