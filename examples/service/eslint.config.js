import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // .sluice/ holds Sluice's run state, including uploaded artifacts such as a copy of dist/.
  { ignores: ["dist/", "coverage/", "reports/", "node_modules/", ".sluice/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
