import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachedSecrets } from "../../secret-mask";
import type { ScanFinding } from "../../types";
import { scanSecrets } from "../scan-secrets";
import type { SecretsConfig } from "../types";
import type { Detector } from "../engine/compile";

type Pool = {
  scanInWorkers: (o: {
    root: string;
    files: string[];
    config: SecretsConfig;
    detector: Detector;
    maxFileBytes: number;
    threads: number;
    mainThreadScans?: boolean;
  }) => Promise<{ findings: ScanFinding[]; stats: { files: number } }>;
  canUseWorkers: () => boolean;
  compileConfig: (c: SecretsConfig) => Detector;
  defaultSecretsConfig: () => SecretsConfig;
};

const golden = JSON.parse(
  readFileSync(new URL("../../../../test/fixtures/scan/secrets/rules.json", import.meta.url), "utf8"),
) as Record<string, { samples: { text: string }[] }>;

// Worker threads need JavaScript: bundle the pool as dist/ does, then start workers from the bundle.
let dir: string;
let pool: Pool;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "sluice-secrets-workers-"));
  const entry = path.join(dir, "entry.ts");
  const src = path.resolve(decodeURIComponent(new URL("..", import.meta.url).pathname));
  writeFileSync(
    entry,
    [
      `export { scanInWorkers, canUseWorkers } from ${JSON.stringify(path.join(src, "parallel/worker-pool"))};`,
      `export { compileConfig } from ${JSON.stringify(path.join(src, "engine/compile"))};`,
      `export { defaultSecretsConfig } from ${JSON.stringify(path.join(src, "rules"))};`,
    ].join("\n"),
  );
  const outfile = path.join(dir, "pool.mjs");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    logLevel: "warning",
  });
  pool = (await import(pathToFileURL(outfile).href)) as Pool;
  const tree = path.join(dir, "tree");
  files = [];
  for (const [id, { samples }] of Object.entries(golden)) {
    for (let copy = 0; copy < 3; copy++) {
      const rel = `${id}/${copy}.txt`;
      mkdirSync(path.join(tree, id), { recursive: true });
      writeFileSync(path.join(tree, rel), `// ${copy}\n${samples[0]!.text}\n`);
      files.push(rel);
    }
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (f: ScanFinding) => `${f.file}:${f.line}:${f.ruleId}:${f.fingerprint}:${f.snippet}`;

describe("worker pool", () => {
  it("can only start workers from bundled JavaScript", async () => {
    expect(pool.canUseWorkers()).toBe(true);
    const { canUseWorkers } = await import("./worker-pool");
    expect(canUseWorkers()).toBe(false);
  });

  it.each([true, false])(
    "finds on worker threads what the main thread finds (main thread scans: %s)",
    async (main) => {
      const root = path.join(dir, "tree");
      const config = pool.defaultSecretsConfig();
      const inProcess = await scanSecrets({ root, files, threads: 1 });
      const parallel = await pool.scanInWorkers({
        root,
        files,
        config,
        detector: pool.compileConfig(config),
        maxFileBytes: 1 << 20,
        threads: 2,
        mainThreadScans: main,
      });
      expect(parallel.stats.files).toBe(files.length);
      expect(parallel.findings.map(key).sort()).toEqual(inProcess.findings.map(key).sort());
      expect(inProcess.findings.length).toBeGreaterThanOrEqual(3 * Object.keys(golden).length);
      // Each value crosses back beside its finding (for the last masking pass), never inside it.
      const withValue = parallel.findings.filter((f) => f.line !== undefined);
      expect(withValue.every((f) => attachedSecrets(f).length === 1)).toBe(true);
    },
  );
});
