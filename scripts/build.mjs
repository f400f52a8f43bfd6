// Bundles the CLI with esbuild. Bundling is required, not an optimisation: @actions/workflow-parser
// imports its JSON schema without import attributes, which plain Node 20 refuses to load.
//
//   node scripts/build.mjs                      build dist/
//   node scripts/build.mjs --outdir <dir>       build elsewhere (experiments while tests use dist/);
//                                               outside the checkout, <dir>/node_modules links here
//   node scripts/build.mjs --analyze            also print what each output chunk holds
import { build, analyzeMetafile } from "esbuild";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const { values: args } = parseArgs({
  options: { outdir: { type: "string" }, analyze: { type: "boolean" } },
});
const outdir = path.resolve(root, args.outdir ?? "dist");
// Built in a directory inside the output (ignored wherever the output is), then moved in: see
// install() below.
const staging = path.join(outdir, `.staging-${process.pid}`);
rmSync(staging, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  // The secrets scanner's worker threads start from their own small entry, not the whole library.
  entryPoints: {
    cli: "src/cli/main.ts",
    index: "src/index.ts",
    "secrets-worker": "src/scan/secrets/parallel/worker-entry.ts",
  },
  outdir,
  // Written to the staging directory below: esbuild still names and maps every file for outdir.
  write: false,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  metafile: args.analyze === true,
  // Native addons and packages that load files relative to themselves (typescript reads its lib
  // files beside __filename) stay external.
  external: ["better-sqlite3", "typescript"],
  plugins: [
    withoutOptionalPackages(["xmlbuilder2"]),
    withoutCronDescriptions(),
    zodEnglishOnly(),
    spdxIdsInAMap(),
  ],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: {
    js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);",
  },
  define: { __SLUICE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});

/**
 * Optional packages that a bundled dependency tries to require() at load time, inside a try, and
 * that Sluice never uses: xmlbuilder2 (CycloneDX XML, which Sluice does not emit) is 40-odd
 * CommonJS files that @cyclonedx/cyclonedx-library would load on every `scan sbom` when installed.
 * Each resolves to a module that throws, as if the package were not installed.
 */
function withoutOptionalPackages(names) {
  const filter = new RegExp(`^(${names.join("|")})(/|$)`);
  return {
    name: "without-optional-packages",
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "sluice-absent" }));
      b.onLoad({ filter: /.*/, namespace: "sluice-absent" }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled with Sluice`)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * @actions/workflow-parser imports cronstrue (≈ 56 kB, with its locale tables) at load time for
 * getCronDescription(), which words a schedule for an editor's hover text; Sluice never calls it,
 * and every `sluice run` compiled it. Its default export becomes an object whose toString() throws.
 */
function withoutCronDescriptions() {
  return {
    name: "without-cron-descriptions",
    setup(b) {
      b.onResolve({ filter: /^cronstrue$/ }, (args) => ({ path: args.path, namespace: "sluice-cronstrue" }));
      b.onLoad({ filter: /.*/, namespace: "sluice-cronstrue" }, () => ({
        contents:
          'export default { toString() { throw new Error("cron descriptions are not bundled with Sluice"); } };',
        loader: "js",
      }));
    },
  };
}

/**
 * @cyclonedx/cyclonedx-library's spdx.js builds its lower-case → SPDX id table with
 * `Object.fromEntries` over ≈ 830 ids when it loads: 4–6 ms of every SBOM (V8 turns the object into a
 * dictionary the slow way), where a Map takes 0.1–0.5 ms. The same lookup from a Map, which also stops
 * `fixupSpdxId("constructor")` from returning Object. Left as shipped (with a warning) if the
 * library's lines change.
 */
function spdxIdsInAMap() {
  const table =
    "const spdxLowerToActual = Object.freeze(Object.fromEntries(spdx_SNAPSHOT_schema_json_1.enum.map(spdxId => [spdxId.toLowerCase(), spdxId])));";
  const lookup = "spdxLowerToActual[value.toLowerCase()]";
  return {
    name: "spdx-ids-in-a-map",
    setup(b) {
      b.onLoad({ filter: /cyclonedx-library[\\/]dist\.node[\\/]spdx\.js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes(table) || !text.includes(lookup)) {
          return { warnings: [{ text: "spdx.js changed: its id table is left as shipped" }] };
        }
        const contents = text
          .replace(
            table,
            "const spdxLowerToActual = new Map(spdx_SNAPSHOT_schema_json_1.enum.map(spdxId => [spdxId.toLowerCase(), spdxId]));",
          )
          .replace(lookup, "spdxLowerToActual.get(value.toLowerCase())");
        return { contents, loader: "js" };
      });
    },
  };
}

/**
 * zod's `z` namespace re-exports its 40-odd locales (≈ 370 kB of the bundle, half of zod), so every
 * command that reads sluice.yml compiled them; Sluice's messages are English (zod's default). The
 * namespace keeps `locales.en` only.
 */
function zodEnglishOnly() {
  return {
    name: "zod-english-only",
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
          ? { path: path.join(path.dirname(args.importer), "../locales/index.js"), namespace: "zod-locales" }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
        contents: `export { default as en } from "./en.js";`,
        resolveDir: path.dirname(args.path),
        loader: "js",
      }));
    },
  };
}

for (const file of result.outputFiles) {
  const target = path.join(staging, path.relative(outdir, file.path));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, file.contents);
}
if (result.metafile) writeFileSync(path.join(staging, "meta.json"), JSON.stringify(result.metafile));
install();
if (result.metafile) process.stdout.write(await analyzeMetafile(result.metafile));

/**
 * Moves the staged build into the output without a moment when a file a running Sluice needs is
 * missing: commands load their code on demand, and the test suite rebuilds dist/ while other
 * suites' CLIs run from it. Chunks go in before the entry points that import them (each rename
 * replaces a file atomically); files of earlier builds (chunk names are content hashes) stay for
 * ten minutes, for processes started from them, and are removed by a later build.
 */
function install() {
  const STALE_MS = 10 * 60_000;
  mkdirSync(outdir, { recursive: true });
  const fresh = new Set(readdirSync(staging));
  for (const name of readdirSync(outdir)) {
    const file = path.join(outdir, name);
    if (fresh.has(name) || name === "node_modules" || file === staging) continue;
    // Another build may remove it meanwhile.
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) rmSync(file, { recursive: true, force: true });
  }
  const entries = new Set(["cli", "index", "secrets-worker"].flatMap((n) => [`${n}.js`, `${n}.js.map`]));
  const order = [...fresh].sort((a, b) => Number(entries.has(a)) - Number(entries.has(b)));
  for (const name of order) renameSync(path.join(staging, name), path.join(outdir, name));
  rmSync(staging, { recursive: true, force: true });
  // External packages resolve from node_modules above the output; give a build outside the
  // checkout a link to this one's.
  const link = path.join(outdir, "node_modules");
  if (path.relative(root, outdir).startsWith("..") && !existsSync(link)) {
    symlinkSync(path.join(root, "node_modules"), link, "dir");
  }
}
