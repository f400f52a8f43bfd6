import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { classifyPolicyFiles, discoverPolicyFiles } from "./discover";
import { scanPolicy } from "./scan";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string>, git = true): string {
  const root = mkdtempSync(path.join(tmpdir(), "sluice-policy-"));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  if (git) execFileSync("git", ["init", "-q"], { cwd: root });
  return root;
}

const POD =
  "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: c, image: nginx }]\n";
const WORKFLOW =
  "on: issues\npermissions: {}\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n";

describe("classifyPolicyFiles", () => {
  it("sorts files into workflows, Dockerfiles and YAML candidates", () => {
    expect(
      classifyPolicyFiles([
        ".github/workflows/ci.yml",
        ".sluice/workflows/deploy.yaml",
        ".github/workflows/nested/x.yml",
        ".github/dependabot.yml",
        "Dockerfile",
        "svc/Dockerfile.prod",
        "svc/Dockerfile.dockerignore",
        "api.dockerfile",
        "Containerfile",
        "k8s/app.yaml",
        "node_modules/x/Dockerfile",
        "README.md",
      ]),
    ).toEqual([
      { file: ".github/dependabot.yml", kind: "yaml" },
      { file: ".github/workflows/ci.yml", kind: "workflow" },
      { file: ".github/workflows/nested/x.yml", kind: "yaml" },
      { file: ".sluice/workflows/deploy.yaml", kind: "workflow" },
      { file: "api.dockerfile", kind: "dockerfile" },
      { file: "Containerfile", kind: "dockerfile" },
      { file: "Dockerfile", kind: "dockerfile" },
      { file: "k8s/app.yaml", kind: "yaml" },
      { file: "svc/Dockerfile.prod", kind: "dockerfile" },
    ]);
  });
});

describe("scanPolicy", () => {
  it("honours .gitignore inside a git work tree, and finds .sluice/workflows", async () => {
    const root = repo({
      ".gitignore": "build/\n",
      "build/Dockerfile": "FROM node\n",
      Dockerfile: "FROM node:20\nUSER node\nHEALTHCHECK CMD true\n",
      "k8s/pod.yaml": POD,
      ".sluice/workflows/triage.yml": WORKFLOW,
    });
    expect((await discoverPolicyFiles(root)).map((c) => c.file)).toEqual([
      ".sluice/workflows/triage.yml",
      "Dockerfile",
      "k8s/pod.yaml",
    ]);
    const result = await scanPolicy({ root, version: "1.2.3" });
    expect(result).toMatchObject({ kind: "policy", tool: { name: "sluice-policy", version: "1.2.3" } });
    expect(result.stats).toMatchObject({ files: 3, kubernetes: 1, dockerfiles: 1, workflows: 1, skipped: 0 });
    expect(result.findings.some((f) => f.file === "build/Dockerfile")).toBe(false);
    expect(result.findings.find((f) => f.ruleId === "workflow-script-injection")?.file).toBe(
      ".sluice/workflows/triage.yml",
    );
  });

  it("walks the file system outside git", async () => {
    const root = repo({ "deploy/pod.yml": POD, "node_modules/x/Dockerfile": "FROM x\n" }, false);
    const result = await scanPolicy({ root });
    expect(result.stats).toMatchObject({ kubernetes: 1, dockerfiles: 0 });
  });

  it("applies added rules, disable and options", async () => {
    const root = repo({
      "k8s/pod.yaml": POD,
      ".github/workflows/ci.yml":
        "on: push\npermissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/setup-node@v4\n",
    });
    const result = await scanPolicy({
      root,
      rules: [
        {
          id: "team-label",
          target: "kubernetes",
          scope: "pod",
          rule: "!has(resource.labels.team)",
          severity: "low",
          message: "{{ resource.name }} has no team label",
        },
      ],
      disable: ["k8s-read-only-root-filesystem"],
      options: { trustedActionOwners: [] },
    });
    const ids = new Set(result.findings.map((f) => f.ruleId));
    expect(ids.has("team-label")).toBe(true);
    expect(ids.has("k8s-read-only-root-filesystem")).toBe(false);
    expect(ids.has("workflow-unpinned-action")).toBe(true);
    expect(result.rules.find((r) => r.id === "team-label")).toEqual({
      id: "team-label",
      name: "team-label",
      description: "",
      severity: "low",
    });
    expect(result.findings.find((f) => f.ruleId === "team-label")!.message).toBe("p has no team label");
  });

  it("makes a rule that cannot be evaluated an error of the result, not a finding", async () => {
    const root = repo({ "k8s/pod.yaml": POD, "k8s/pod2.yaml": POD.replace("name: p", "name: q") });
    const result = await scanPolicy({
      root,
      rules: [
        {
          id: "prod-only",
          target: "kubernetes",
          scope: "pod",
          rule: 'resource.object.metadata.namespace == "prod"',
        },
        { id: "not-bool", target: "kubernetes", rule: "container.name" },
      ],
    });
    expect(result.findings.filter((f) => ["prod-only", "not-bool"].includes(f.ruleId))).toEqual([]);
    expect(result.errors).toEqual([
      {
        code: "SLUICE_E_POLICY",
        message: expect.stringMatching(
          /^rule prod-only could not be evaluated on Pod\/p \(and on 1 more object\(s\)\): .*namespace/,
        ),
        location: { file: "k8s/pod.yaml", line: 4, column: 1 },
      },
      {
        code: "SLUICE_E_POLICY",
        message: expect.stringMatching(
          /^rule not-bool could not be evaluated on .*: the rule gave string c, not a bool$/,
        ),
        location: expect.objectContaining({ file: "k8s/pod.yaml" }),
      },
    ]);
  });

  it("notes a disabled rule id that names no rule, with a guess", async () => {
    const result = await scanPolicy({
      root: repo({}),
      disable: ["dockerfile-healthcheck", "healthcheck", "no-such-thing-at-all"],
    });
    expect(result.notes).toEqual([
      'policy.disable names unknown rule "healthcheck" (did you mean "dockerfile-healthcheck"?): nothing was disabled for it',
      'policy.disable names unknown rule "no-such-thing-at-all": nothing was disabled for it',
    ]);
  });

  it("skips files it cannot read as their kind, and counts them", async () => {
    const root = repo({
      ".github/workflows/broken.yml": "on: [\n",
      "chart/templates/deploy.yaml": "apiVersion: v1\nkind: {{ .Kind }\n",
    });
    const result = await scanPolicy({ root });
    expect(result.findings).toEqual([]);
    expect(result.stats).toMatchObject({ files: 0, skipped: 1 });
  });

  it("keeps fingerprints when lines move, and changes them when the object does", async () => {
    const root = repo({ "k8s/pod.yaml": POD });
    const before = await scanPolicy({ root });
    writeFileSync(path.join(root, "k8s/pod.yaml"), "# a comment\n# another\n" + POD);
    const after = await scanPolicy({ root });
    expect(after.findings.map((f) => f.fingerprint)).toEqual(before.findings.map((f) => f.fingerprint));
    expect(after.findings.map((f) => f.line)).not.toEqual(before.findings.map((f) => f.line));
    writeFileSync(
      path.join(root, "k8s/pod.yaml"),
      readFileSync(path.join(root, "k8s/pod.yaml"), "utf8").replace("name: c", "name: d"),
    );
    const renamed = await scanPolicy({ root });
    expect(renamed.findings[0]!.fingerprint).not.toBe(before.findings[0]!.fingerprint);
  });
});
