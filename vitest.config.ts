import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __SLUICE_VERSION__: JSON.stringify("0.0.0-test") },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.sluice/**", "test/fixtures/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    env: { SLUICE_TEST: "1" },
    hookTimeout: 60_000,
  },
});
