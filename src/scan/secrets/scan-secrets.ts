/**
 * `scanSecrets`: the secrets scanner's entry point. Loads the configuration, gathers the text to
 * scan (working tree, staged changes or history), runs the pure detector — on worker threads when a
 * tree is large enough to repay starting them — and applies the baseline.
 */
import { statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { createError } from "../../core/errors";
import { compareRoot, defaultCollationIsRoot, isPrintableAscii } from "../../core/collation";
import type { ScanFinding, ScanResult, ScanRule } from "../types";
import { attachSecrets, maskFindings } from "../secret-mask";
import { applyBaseline, readBaseline } from "./baseline";
import { largeFilesNote } from "./notes";
import { loadSecretsConfig } from "./config/load";
import { isPathAllowed } from "./engine/allowlist";
import { compileConfig } from "./engine/compile";
import type { Detector } from "./engine/compile";
import { scanFragments } from "./scan-fragments";
import { listFiles } from "./sources/list-files";
import { addStats, emptyStats, scanFile } from "./sources/read-file";
import type { FileStats } from "./sources/read-file";
import { canUseWorkers, scanInWorkers } from "./parallel/worker-pool";
import type { SecretsConfig } from "./types";

/** What to scan: files as they are, what is staged for the next commit, or every commit. */
export type SecretsScanMode = "tree" | "staged" | "history";

/** What `scanSecrets` scans and how. */
export interface ScanSecretsOptions {
  /** The directory to scan (a repository root or any directory). */
  root: string;
  /** Default "tree". */
  mode?: SecretsScanMode;
  /** A gitleaks TOML config; default `<root>/.gitleaks.toml` when present, else Sluice's rules. */
  configPath?: string;
  /** Config TOML given as text (takes precedence over configPath, which then only names it). */
  configText?: string;
  /** Files larger than this are skipped (counted in `stats.skippedLarge`, and a note). Default 10 MiB. */
  maxFileBytes?: number;
  /** Fingerprints in this JSON file are not reported; a missing file is an error unless baselineOptional. */
  baselinePath?: string;
  /** A missing baseline file is an empty baseline (the path configured in sluice.yml, not yet written). */
  baselineOptional?: boolean;
  /** Write every current fingerprint to `baselinePath` (then report nothing they cover). */
  writeBaseline?: boolean;
  /**
   * Threads for tree scans (the main thread plus workers); 1 scans in-process. Default: one per
   * 1.5 cores idle now (cores minus the 1-minute load average), at least 1, at most 8 — a scanning
   * thread keeps ≈ 1.5 cores busy with V8's JIT and GC threads, and a worker on a core other work
   * already keeps busy only adds its start-up cost.
   */
  threads?: number;
  /** History mode: revisions for `git log` (default `--all`), e.g. `["origin/main..HEAD"]`. */
  revisions?: string[];
  /** Tree mode: scan exactly these root-relative paths instead of asking git. */
  files?: string[];
  /** Input size from which a tree scan uses worker threads. Default PARALLEL_MIN_BYTES. */
  parallelMinBytes?: number;
}

/** The default size limit: larger text files are data dumps or bundles, rarely hand-written secrets. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Below this much input a scan stays on the main thread: a worker needs ~30 ms to start and then
 * warms up its JIT from scratch, which only pays on large trees. bench/secrets prints the measured
 * crossover (on the shared 2-vCPU development machines workers rarely paid at all: see threads).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

declare const __SLUICE_VERSION__: string | undefined;
const VERSION = typeof __SLUICE_VERSION__ === "string" ? __SLUICE_VERSION__ : "0.0.0";

/**
 * Scan for secrets. Throws SLUICE_E_SECRETS_CONFIG for a bad config or baseline and
 * SLUICE_E_PREREQUISITE when git is needed (staged, history) and fails.
 */
export async function scanSecrets(options: ScanSecretsOptions): Promise<ScanResult> {
  const started = performance.now();
  if (options.writeBaseline && !options.baselinePath) {
    throw createError(
      "SLUICE_E_USAGE",
      "writing a baseline needs the baseline file's path (--baseline FILE)",
    );
  }
  const root = path.resolve(options.root);
  const config = loadSecretsConfig({ root, configPath: options.configPath, configText: options.configText });
  // Read before scanning: a malformed baseline fails at once, not after a long scan.
  const baselineFile = options.baselinePath ? path.resolve(root, options.baselinePath) : undefined;
  const baseline =
    baselineFile && !options.writeBaseline ? readBaseline(baselineFile, options.baselineOptional) : undefined;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const detector = compileConfig(config);
  const mode = options.mode ?? "tree";
  const scanned =
    mode === "tree"
      ? await scanTree(root, detector, config, maxFileBytes, options)
      : await scanFragments(root, detector, mode, maxFileBytes, options.revisions);
  // Before the baseline drops any: a baselined value recurring in a reported snippet is masked too.
  const values = maskFindings(scanned.findings);
  const done = applyBaseline(scanned.findings, {
    file: baselineFile,
    shown: options.baselinePath,
    write: options.writeBaseline,
    baseline,
  });
  const findings = done.findings.sort(compareFindings);
  const { largest: _largest, ...counts } = scanned.stats;
  const large = largeFilesNote(scanned.stats, maxFileBytes, mode === "history");
  const notes = large ? [large, ...done.notes] : done.notes;
  const result: ScanResult = {
    kind: "secrets",
    tool: { name: "sluice", version: VERSION },
    rules: config.rules.map(toScanRule),
    findings,
    stats: {
      ...counts,
      ...(scanned.extra ?? {}),
      rules: config.rules.length,
      baselined: done.baselined,
      threads: scanned.threads,
      durationMs: Math.round(performance.now() - started),
    },
    ...(notes.length > 0 ? { notes } : {}),
    ...(done.outcome ? { outcome: done.outcome } : {}),
  };
  // For runScans' last pass over every scanner's results (a policy finding quoting the same line).
  attachSecrets(result, values);
  return result;
}

interface Scanned {
  findings: ScanFinding[];
  stats: FileStats;
  threads: number;
  extra?: Record<string, number>;
}

async function scanTree(
  root: string,
  d: Detector,
  config: SecretsConfig,
  maxFileBytes: number,
  options: ScanSecretsOptions,
): Promise<Scanned> {
  const listed = options.files ?? (await listFiles(root)).files;
  const stats = emptyStats();
  const files = listed.filter((f) => {
    const skip = isPathAllowed(d.global, f);
    if (skip) stats.skippedAllowlisted++;
    return !skip;
  });
  const threads = Math.max(1, options.threads ?? defaultThreads());
  const minBytes = options.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  if (threads > 1 && canUseWorkers() && reachesBytes(root, files, minBytes)) {
    const out = await scanInWorkers({ root, files, config, detector: d, maxFileBytes, threads });
    addStats(out.stats, stats);
    return { findings: out.findings, stats: out.stats, threads };
  }
  const findings: ScanFinding[] = [];
  for (let i = 0; i < files.length; i++) {
    scanFile(d, root, files[i]!, maxFileBytes, stats, findings);
    // Let timers and I/O callbacks (progress, cancellation) run during a long in-process scan.
    if (i % 256 === 255) await new Promise((r) => setImmediate(r));
  }
  return { findings, stats, threads: 1 };
}

/** Cores one scanning thread keeps busy, counting V8's background threads (see defaultThreads). */
const CORES_PER_THREAD = 1.5;

/**
 * One scanning thread per CORES_PER_THREAD idle cores, at least one (loadavg is all zeros where
 * unsupported: then every core counts as idle). A scanning thread keeps ≈ 1.5 cores busy — its own
 * plus V8's concurrent JIT and GC threads — so on 2 cores a worker only competes with the main
 * thread: bench/secrets measured threads 2 at 390–420 ms vs threads 1 at 300–310 ms on a quiet
 * 2-vCPU machine (100 MiB tree), with 60 % more CPU.
 */
export function defaultThreads(cores = availableParallelism(), load = loadavg()[0]!): number {
  const idle = Math.max(0, cores - load);
  return Math.max(1, Math.min(8, cores, Math.floor(idle / CORES_PER_THREAD)));
}

/** Whether the files add up to at least `min` bytes (stops stat-ing once they do). */
function reachesBytes(root: string, files: readonly string[], min: number): boolean {
  let total = 0;
  for (const f of files) {
    try {
      total += statSync(path.join(root, f)).size;
    } catch {
      // Unreadable files are counted when scanned.
    }
    if (total >= min) return true;
  }
  return false;
}

function toScanRule(r: SecretsConfig["rules"][number]): ScanRule {
  const rule: ScanRule = { id: r.id, name: r.id, description: r.description, severity: r.severity };
  if (r.tags.length > 0) rule.tags = r.tags;
  return rule;
}

function compareFindings(a: ScanFinding, b: ScanFinding): number {
  return (
    compareText(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareText(a.ruleId, b.ruleId)
  );
}

let rootCollation: boolean | undefined;

/**
 * `a.localeCompare(b)`, without ICU for printable ASCII under the root collation: V8's first
 * `localeCompare` builds an ICU collator, 6–25 ms — a few percent of a whole tree scan.
 */
function compareText(a: string, b: string): number {
  rootCollation ??= defaultCollationIsRoot();
  return rootCollation && isPrintableAscii(a) && isPrintableAscii(b) ? compareRoot(a, b) : a.localeCompare(b);
}
