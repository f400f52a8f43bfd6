import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __SLUICE_VERSION__: JSON.stringify("0.0.0-test") },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.sluice/**", "test/fixtures/**"],
    globalSetup: ["test/global-setup.ts"],
    // @actions/workflow-parser imports its JSON schema without import attributes, which Node 20
    // refuses; inlining lets Vite transform it, as esbuild does for the bundled CLI.
    server: { deps: { inline: [/@actions\/workflow-parser/, /@actions\/expressions/] } },
    testTimeout: 30_000,
    env: { SLUICE_TEST: "1" },
    hookTimeout: 60_000,
  },
});
