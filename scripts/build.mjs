// Bundles the CLI with esbuild. Bundling is required, not an optimisation: @actions/workflow-parser
// imports its JSON schema without import attributes, which plain Node 20 refuses to load.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// Chunk names are content hashes: clear old ones so dist/ holds only this build.
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // The secrets scanner's worker threads start from their own small entry, not the whole library.
  entryPoints: {
    cli: "src/cli/main.ts",
    index: "src/index.ts",
    "secrets-worker": "src/scan/secrets/parallel/worker-entry.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // Native addons and packages that load files relative to themselves (typescript reads its lib
  // files beside __filename) stay external, and so do optional ones loaded only when installed
  // (xmlbuilder2: CycloneDX XML, which Sluice does not emit).
  external: ["better-sqlite3", "typescript", "xmlbuilder2"],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: {
    js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);",
  },
  define: { __SLUICE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
