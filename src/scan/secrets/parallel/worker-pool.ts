/**
 * Scanning a large tree on every core. The module starts itself as the worker script: in the
 * bundle (dist/*.js) `import.meta.url` is the bundled file that holds this code, so no separate
 * worker entry point has to be built or shipped. Run from TypeScript sources (tests), it cannot be
 * a worker script and callers scan in-process instead (`canUseWorkers()`).
 *
 * Workers pull batches of paths, read and scan the files themselves (reading is a large part of
 * the cost), and send back findings that are already redacted: secrets never cross threads.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { ScanFinding } from "../../types";
import { compileConfig } from "../engine/compile";
import { addStats, emptyStats, scanFile } from "../sources/read-file";
import type { FileStats } from "../sources/read-file";
import type { SecretsConfig } from "../types";

const WORKER_KIND = "sluice-secrets-worker";
/** Paths per message: small enough to balance uneven files, large enough to amortise messaging. */
const BATCH = 24;

interface WorkerInit {
  kind: typeof WORKER_KIND;
  root: string;
  config: SecretsConfig;
  maxFileBytes: number;
}

type ToWorker = { files: string[] };
type FromWorker = { findings: ScanFinding[]; stats: FileStats };

/** Whether scanning can use worker threads: only when running as bundled JavaScript. */
export function canUseWorkers(): boolean {
  return !/\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
}

/** Scan `files` (relative to `root`) on `threads` worker threads. */
export async function scanInWorkers(options: {
  root: string;
  files: readonly string[];
  config: SecretsConfig;
  maxFileBytes: number;
  threads: number;
}): Promise<{ findings: ScanFinding[]; stats: FileStats }> {
  const init: WorkerInit = {
    kind: WORKER_KIND,
    root: options.root,
    config: options.config,
    maxFileBytes: options.maxFileBytes,
  };
  const findings: ScanFinding[] = [];
  const stats = emptyStats();
  let next = 0;
  const take = (): string[] => options.files.slice(next, (next += BATCH));
  const count = Math.max(1, Math.min(options.threads, Math.ceil(options.files.length / BATCH)));
  const workers = Array.from({ length: count }, () => new Worker(new URL(import.meta.url), { workerData: init }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              const files = take();
              if (files.length === 0) resolve();
              else worker.postMessage({ files } satisfies ToWorker);
            };
            worker.on("message", (msg: FromWorker) => {
              findings.push(...msg.findings);
              addStats(stats, msg.stats);
              feed();
            });
            worker.once("error", reject);
            worker.once("exit", (code) => reject(new Error(`secrets worker exited early (code ${code})`)));
            worker.once("online", feed);
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { findings, stats };
}

function runWorker(init: WorkerInit): void {
  const detector = compileConfig(init.config);
  const port = parentPort!;
  port.on("message", (msg: ToWorker) => {
    const stats = emptyStats();
    const findings: ScanFinding[] = [];
    for (const file of msg.files) {
      for (const f of scanFile(detector, init.root, file, init.maxFileBytes, stats)) findings.push(f);
    }
    port.postMessage({ findings, stats } satisfies FromWorker);
  });
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.kind === WORKER_KIND) {
  runWorker(workerData as WorkerInit);
}
