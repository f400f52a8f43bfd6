import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createError, errorCodes, formatProblem } from "./errors";

describe("error registry", () => {
  it("docs/errors.md documents every code with its exit status", () => {
    const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    for (const [code, { exit }] of Object.entries(errorCodes)) {
      expect(doc, `docs/errors.md lacks ${code}`).toContain(`| \`${code}\` | ${exit} |`);
    }
  });

  it("maps codes to exit statuses", () => {
    expect(createError("SLUICE_E_WORKFLOW_SCHEMA", "x").exitCode).toBe(2);
    expect(createError("SLUICE_E_INTERNAL", "x").exitCode).toBe(3);
    expect(createError("SLUICE_E_ACTION_NOT_FOUND", "x").exitCode).toBe(1);
  });

  it("formats located problems as file:line:column", () => {
    expect(
      formatProblem({
        code: "SLUICE_E_YAML",
        message: "bad",
        location: { file: "a.yml", line: 3, column: 7 },
      }),
    ).toBe("a.yml:3:7: SLUICE_E_YAML: bad");
  });

  it("does not repeat a place the message already starts with", () => {
    const location = { file: ".gitleaks.toml", line: 6, column: 18 };
    const code = "SLUICE_E_SECRETS_CONFIG";
    expect(formatProblem({ code, message: ".gitleaks.toml:6:18: bad regex", location })).toBe(
      ".gitleaks.toml:6:18: SLUICE_E_SECRETS_CONFIG: bad regex",
    );
    expect(
      formatProblem({ code, message: ".gitleaks.toml: bad", location: { file: ".gitleaks.toml" } }),
    ).toBe(".gitleaks.toml: SLUICE_E_SECRETS_CONFIG: bad");
    // A different place in the message is information: kept.
    expect(formatProblem({ code, message: "other.toml:1:1: bad", location })).toBe(
      ".gitleaks.toml:6:18: SLUICE_E_SECRETS_CONFIG: other.toml:1:1: bad",
    );
  });
});
