import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { SluiceError } from "../../core/errors";
import { compilePolicyRule, policyLiterals } from "./compile";
import { readDockerfile } from "./dockerfile";
import { evaluatePolicy } from "./evaluate";
import { parseKubernetes } from "./kubernetes";
import { compiledBuiltinRules } from "./rules/index";
import { selectPolicyRules } from "./scan";

function compileError(input: unknown, where?: Parameters<typeof compilePolicyRule>[1]): SluiceError {
  try {
    compilePolicyRule(input, where);
  } catch (err) {
    if (isSluiceError(err)) return err;
    throw err;
  }
  throw new Error("compiled");
}

const pod = parseKubernetes(
  "apiVersion: v1\nkind: Pod\nmetadata: { name: p, labels: { team: web } }\nspec:\n  containers:\n    - name: app\n      image: nginx:1.25\n      ports: [{ containerPort: 80 }]\n",
  "pod.yaml",
)!;

describe("compilePolicyRule", () => {
  it("fills defaults", () => {
    const rule = compilePolicyRule({ id: "my-rule", target: "kubernetes", rule: "false" });
    expect(rule).toMatchObject({
      id: "my-rule",
      name: "my-rule",
      severity: "medium",
      scope: "container",
      message: "my-rule",
      fields: [],
    });
  });

  it.each([
    [{ id: "x", target: "helm", rule: "true" }, "target"],
    [{ id: "x", target: "kubernetes", scope: "step", rule: "true" }, "scope"],
    [{ id: "x", target: "kubernetes", rule: "true", severity: "urgent" }, "severity"],
    [{ id: "", target: "kubernetes", rule: "true" }, "id"],
    [{ id: "x", target: "kubernetes", rule: "" }, "rule"],
    [{ id: "x", target: "kubernetes", rule: "container.image ==" }, "rule"],
    [{ id: "x", target: "kubernetes", rule: "contianer.image == ''" }, "rule"],
    [{ id: "x", target: "kubernetes", rule: "step.run == ''" }, "rule"],
    [{ id: "x", target: "kubernetes", rule: "'a' + 'b'" }, "rule"],
    [{ id: "x", target: "kubernetes", rule: "true", message: "bad {{ nope }}" }, "message"],
    [{ id: "x", target: "kubernetes", rule: "true", field: "a..b" }, "field"],
    [{ id: "x", target: "kubernetes", rule: "true", when: "always" }, "when"],
  ])("rejects %j at its %s field with SLUICE_E_POLICY", (input, field) => {
    const where = (f?: string) => ({ file: "sluice.yml", line: f === field ? 12 : 10, column: 5 });
    const err = compileError(input, where);
    expect(err.code).toBe("SLUICE_E_POLICY");
    expect(err.exitCode).toBe(2);
    expect(err.location).toEqual({ file: "sluice.yml", line: 12, column: 5 });
    expect(err.problems[0]).toMatchObject({ code: "SLUICE_E_POLICY", location: { line: 12 } });
  });

  it("collects every problem of a rule, at one location when given one", () => {
    const err = compileError(
      { id: "x", target: "kubernetes", severity: "urgent", rule: 1 },
      { file: "sluice.yml", line: 3 },
    );
    expect(err.problems.map((p) => p.location)).toEqual([
      { file: "sluice.yml", line: 3 },
      { file: "sluice.yml", line: 3 },
    ]);
    expect(compileError(null).code).toBe("SLUICE_E_POLICY");
  });

  it("reads integer literals as doubles, as YAML numbers are, but keeps list indexes ints", () => {
    expect(policyLiterals('x.split(":")[0] == "1" && y + 1 > 2')).toBe(
      'x.split(":")[0] == "1" && y + 1.0 > 2.0',
    );
    expect(policyLiterals('"[1]" + [1][0]')).toBe('"[1]" + [1.0][0]');
    expect(policyLiterals("x in [0, 1] && l[2]")).toBe("x in [0.0, 1.0] && l[2]");
    const rule = compilePolicyRule({
      id: "port",
      target: "kubernetes",
      rule: "container.ports.exists(p, p.containerPort + 1 == 81) && container.image.split(':')[1] == '1.25'",
    });
    expect(evaluatePolicy([pod], [rule])).toHaveLength(1);
  });

  it("renders message placeholders, and ? for one that fails", () => {
    const rule = compilePolicyRule({
      id: "team",
      target: "kubernetes",
      scope: "pod",
      rule: "resource.labels.team == 'web'",
      message:
        "{{ resource.kind }} {{ resource.name }} of {{ resource.labels.team }} ({{ resource.labels.missing }}) {{ [1, 2] }}",
    });
    expect(evaluatePolicy([pod], [rule])[0]!.message).toBe("Pod p of web (?) [1,2]");
  });

  it("turns a failing or non-bool expression into a high finding, not an exception", () => {
    const missing = compilePolicyRule({
      id: "m",
      target: "kubernetes",
      rule: "container.securityContext.privileged",
    });
    const text = compilePolicyRule({ id: "t", target: "kubernetes", rule: "container.image" });
    const found = evaluatePolicy([pod], [missing, text]);
    expect(found.map((f) => [f.ruleId, f.severity, f.properties?.evaluationError])).toEqual([
      ["m", "high", true],
      ["t", "high", true],
    ]);
    expect(found[0]!.message).toContain("securityContext");
  });

  it("locates the first field present, else the object", () => {
    const rule = compilePolicyRule({
      id: "f",
      target: "kubernetes",
      rule: "true",
      field: ["securityContext.privileged", "image"],
    });
    const [f] = evaluatePolicy([pod], [rule]);
    expect(f).toMatchObject({
      line: 7,
      column: 7,
      properties: { field: "image", object: "Pod/p/containers/app" },
    });
  });
});

describe("selectPolicyRules", () => {
  it("adds rules, replaces built-ins by id in place and drops disabled ids", () => {
    const builtin = compiledBuiltinRules();
    const rules = selectPolicyRules(
      [
        { id: "k8s-privileged", target: "kubernetes", rule: "false", severity: "low" },
        { id: "no-ubuntu", target: "dockerfile", rule: 'stage.base.repository == "ubuntu"' },
      ],
      ["k8s-image-tag", "workflow-missing-permissions"],
    );
    expect(rules).toHaveLength(builtin.length - 1);
    expect(rules.find((r) => r.id === "k8s-privileged")!.severity).toBe("low");
    expect(rules.map((r) => r.id).indexOf("k8s-privileged")).toBe(
      builtin.map((r) => r.id).indexOf("k8s-privileged"),
    );
    expect(rules.at(-1)!.id).toBe("no-ubuntu");
    expect(rules.some((r) => r.id === "k8s-image-tag" || r.id === "workflow-missing-permissions")).toBe(
      false,
    );
    const found = evaluatePolicy([readDockerfile("FROM ubuntu:24.04\nUSER app\n", "Dockerfile")], rules);
    expect(found.map((f) => f.ruleId)).toEqual(["dockerfile-healthcheck", "no-ubuntu"]);
  });

  it("throws SLUICE_E_POLICY for an invalid added rule", () => {
    expect(() => selectPolicyRules([{ id: "x", target: "dockerfile", rule: "stage.nope(" }], [])).toThrow(
      expect.objectContaining({ code: "SLUICE_E_POLICY" }),
    );
  });
});
