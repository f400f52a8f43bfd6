import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SluiceError } from "../core/errors";
import { expressionSites } from "./expression-sites";
import { parseConfig } from "./load";

const withEverything = `
version: 1
gates:
  quality:
    rules:
      - "coverage.lines >= 80"
      - rule: vulnerabilities.critical == 0
    overrides:
      - branches: [main]
        rules: [{ rule: "coverage.lines >= 90" }]
scan:
  policy:
    rules:
      - { id: no-foo, target: kubernetes, rule: "true", message: foo }
analyses:
  errors:
    judge: { type: threshold, conditions: ["errorRate < 0.05"] }
  default: {}
`;

describe("expression sites", () => {
  it("finds gate rules, override rules, policy rules and judges with their paths", () => {
    const sites = expressionSites(parse(withEverything));
    expect(sites.map((s) => [s.kind, s.path.join(".")])).toEqual([
      ["gate-rule", "gates.quality.rules.0"],
      ["gate-rule", "gates.quality.rules.1.rule"],
      ["gate-rule", "gates.quality.overrides.0.rules.0.rule"],
      ["policy-rule", "scan.policy.rules.0"],
      ["judge", "analyses.errors.judge"],
      ["judge", "analyses.default.judge"],
    ]);
    expect(sites[5]).toMatchObject({ type: "sequential", spec: {} });
  });

  it("finds none in a file without expressions, and survives any shape", () => {
    expect(expressionSites(parse("version: 1\nenv: { A: b }\n"))).toEqual([]);
    for (const value of [
      null,
      3,
      "x",
      [],
      { gates: [] },
      { gates: { q: { rules: "x" } } },
      { analyses: { a: 1 } },
    ]) {
      expect(() => expressionSites(value)).not.toThrow();
    }
    expect(expressionSites({ analyses: { a: { judge: { type: "kayenta" } } } })).toEqual([]);
  });

  it("reports schema problems and expression problems of one file together, in file order", async () => {
    const text = [
      "version: 1",
      "run: { concurency: 2 }",
      "gates:",
      "  q:",
      '    rules: ["coverage.lines >="]',
      "analyses:",
      "  e:",
      "    judge: { type: threshold, conditions: ['errorRate <'] }",
    ].join("\n");
    const err = await parseConfig(text, "sluice.yml").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SluiceError);
    const lines = (err as SluiceError).problems.map((p) => p.location?.line);
    expect(lines).toEqual([2, 5, 8]);
  });
});
