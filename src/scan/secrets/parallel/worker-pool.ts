/**
 * Scanning a large tree on every core. The module starts itself as the worker script: in a bundle
 * `import.meta.url` is the bundled file that holds this code, so a worker can always be started
 * from it; when the build also emits worker-entry.ts as `secrets-worker.js` beside it, workers start
 * from that smaller file instead. Run from TypeScript sources (tests), this module cannot be a worker
 * script and callers scan in-process (`canUseWorkers()`).
 *
 * The main thread scans too, pulling batches from the same queue as the workers: a worker needs
 * ~100 ms to load the bundle and warm up, and the main thread's work during that time is not lost;
 * on a small tree the workers may never get a batch at all. Workers read and scan the files
 * themselves (reading is a fair part of the cost) and send back findings already redacted; each
 * finding's value goes beside it (structured clone drops the invisible copy attachSecrets keeps), for
 * the main thread's last masking pass and old baselines — in memory, never into an output.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { attachSecrets, attachedSecrets } from "../../secret-mask";
import type { ScanFinding } from "../../types";
import { compileConfig } from "../engine/compile";
import type { Detector } from "../engine/compile";
import { addStats, emptyStats, scanFile } from "../sources/read-file";
import type { FileStats } from "../sources/read-file";
import type { SecretsConfig } from "../types";

const WORKER_KIND = "sluice-secrets-worker";
/** Paths per message: small enough to balance uneven files, large enough to amortise messaging. */
const BATCH = 16;
/** Batches a worker holds at once, so it never waits for the busy main thread to hand it more. */
const IN_FLIGHT = 2;

interface WorkerInit {
  kind: typeof WORKER_KIND;
  root: string;
  config: SecretsConfig;
  maxFileBytes: number;
}

type ToWorker = { files: string[] };
type FromWorker = { findings: ScanFinding[]; secrets: (readonly string[])[]; stats: FileStats };

/** Whether scanning can use worker threads: only when running as bundled JavaScript. */
export function canUseWorkers(): boolean {
  return !/\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
}

/** The small dedicated entry (worker-entry.ts) when the build emitted it beside this file, else this file. */
function workerScript(): URL {
  const entry = new URL("./secrets-worker.js", import.meta.url);
  return entry.protocol === "file:" && existsSync(fileURLToPath(entry)) ? entry : new URL(import.meta.url);
}

/** Scan `files` (relative to `root`) on the main thread plus `threads - 1` workers. */
export async function scanInWorkers(options: {
  root: string;
  files: readonly string[];
  config: SecretsConfig;
  detector: Detector;
  maxFileBytes: number;
  threads: number;
  /** Default true; false leaves all the work to the workers (tests use it to exercise them). */
  mainThreadScans?: boolean;
}): Promise<{ findings: ScanFinding[]; stats: FileStats }> {
  const { root, files, maxFileBytes } = options;
  const init: WorkerInit = { kind: WORKER_KIND, root, config: options.config, maxFileBytes };
  const findings: ScanFinding[] = [];
  const stats = emptyStats();
  let next = 0;
  const take = (): string[] => files.slice(next, (next += BATCH));
  const collect = (msg: FromWorker) => {
    msg.findings.forEach((f, i) => attachSecrets(f, msg.secrets[i] ?? []));
    for (const f of msg.findings) findings.push(f);
    addStats(stats, msg.stats);
  };
  const mainThreadScans = options.mainThreadScans ?? true;
  const count = mainThreadScans ? options.threads - 1 : options.threads;
  const script = workerScript();
  const workers = Array.from({ length: Math.max(0, count) }, () => {
    const worker = new Worker(script, { workerData: init });
    worker.unref();
    return worker;
  });
  const done = Promise.all(workers.map((w) => drive(w, take, collect)));
  // A worker may fail while the main thread is still scanning: the failure is awaited below.
  done.catch(() => {});
  try {
    for (let batch = mainThreadScans ? take() : []; batch.length > 0; batch = take()) {
      for (const file of batch) {
        scanFile(options.detector, root, file, maxFileBytes, stats, findings);
      }
      // Let worker messages in: they carry results and ask for more work.
      await new Promise((r) => setImmediate(r));
    }
    await done;
  } finally {
    // A worker still loading when the queue ran dry is simply stopped.
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { findings, stats };
}

/** Keep one worker busy until the queue is empty; resolves once its last batch is back. */
function drive(worker: Worker, take: () => string[], collect: (msg: FromWorker) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    const feed = () => {
      while (inFlight < IN_FLIGHT) {
        const files = take();
        if (files.length === 0) break;
        inFlight++;
        worker.postMessage({ files } satisfies ToWorker);
      }
      if (inFlight === 0) resolve();
    };
    worker.on("message", (msg: FromWorker) => {
      inFlight--;
      collect(msg);
      feed();
    });
    worker.once("error", reject);
    // Exiting before the queue is empty is a crash; exiting when terminated after resolve is not.
    worker.once("exit", (code) => reject(new Error(`secrets worker exited early (code ${code})`)));
    worker.once("online", feed);
  });
}

function runWorker(init: WorkerInit): void {
  const detector = compileConfig(init.config);
  const port = parentPort!;
  port.on("message", (msg: ToWorker) => {
    const stats = emptyStats();
    const findings: ScanFinding[] = [];
    for (const file of msg.files) {
      scanFile(detector, init.root, file, init.maxFileBytes, stats, findings);
    }
    const secrets = findings.map((f) => attachedSecrets(f));
    port.postMessage({ findings, secrets, stats } satisfies FromWorker);
  });
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.kind === WORKER_KIND) {
  runWorker(workerData as WorkerInit);
}
