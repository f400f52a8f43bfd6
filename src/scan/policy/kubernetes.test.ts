import { describe, expect, it } from "vitest";
import { parseImageRef } from "./image-ref";
import { mayBeKubernetes, parseKubernetes } from "./kubernetes";
import { policySubjects } from "./evaluate";

const manifest = `
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: ops }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: wait
              image: busybox:1.36
          containers:
            - name: dump
              image: postgres:16
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: { name: db }
    spec:
      template:
        spec:
          containers:
            - image: postgres:16
          ephemeralContainers:
            - name: debugger
              image: busybox
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: settings }
---
not: kubernetes
---
apiVersion: v1
kind: Pod
metadata: { name: p }
spec: { containers: [ { name: c, image: nginx } ] }
`;

describe("parseKubernetes", () => {
  const input = parseKubernetes(manifest, "k8s.yaml")!;

  it("finds resources in every document and inside Lists", () => {
    expect(input.resources.map((r) => [r.kind, r.name, r.document, r.path])).toEqual([
      ["CronJob", "backup", 0, ""],
      ["List", "", 1, ""],
      ["StatefulSet", "db", 1, "items[0]"],
      ["ConfigMap", "settings", 1, "items[1]"],
      ["Pod", "p", 3, ""],
    ]);
  });

  it("normalises each workload to its pod spec and containers, with paths and lines", () => {
    expect(
      input.pods.map((p) => [
        p.resource.kind,
        p.path,
        p.containers.map((c) => `${c.type}:${c.name}@${c.path}`),
      ]),
    ).toEqual([
      [
        "CronJob",
        "spec.jobTemplate.spec.template.spec",
        [
          "initContainer:wait@spec.jobTemplate.spec.template.spec.initContainers[0]",
          "container:dump@spec.jobTemplate.spec.template.spec.containers[0]",
        ],
      ],
      [
        "StatefulSet",
        "items[0].spec.template.spec",
        [
          "container:#0@items[0].spec.template.spec.containers[0]",
          "ephemeralContainer:debugger@items[0].spec.template.spec.ephemeralContainers[0]",
        ],
      ],
      ["Pod", "spec", ["container:c@spec.containers[0]"]],
    ]);
    const subjects = policySubjects(input, "container");
    expect(subjects.map((s) => [s.object, s.position.line])).toEqual([
      ["CronJob/ops/backup/initContainers/wait", 11],
      ["CronJob/ops/backup/containers/dump", 14],
      ["StatefulSet/db@items[0]/containers/#0", 27],
      ["StatefulSet/db@items[0]/ephemeralContainers/debugger", 29],
      ["Pod/p/containers/c", 40],
    ]);
    expect(subjects[0]!.vars).toMatchObject({
      containerType: "initContainer",
      image: { repository: "busybox", tag: "1.36" },
    });
    expect(policySubjects(input, "pod").map((s) => s.object)).toEqual([
      "CronJob/ops/backup",
      "StatefulSet/db@items[0]",
      "Pod/p",
    ]);
  });

  it("locates fields, quoting keys that are not identifiers", () => {
    const text =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app.kubernetes.io/name: x\nspec:\n  containers: []\n";
    const locations = parseKubernetes(text, "p.yaml")!.resources[0]!.locations;
    expect(locations.get('metadata.labels["app.kubernetes.io/name"]')).toEqual({ line: 5, column: 5 });
    expect(locations.get("spec.containers")).toEqual({ line: 7, column: 3 });
  });

  it("returns null for YAML that holds no Kubernetes object, and skips broken documents", () => {
    expect(parseKubernetes("server:\n  port: 80\n", "app.yaml")).toBeNull();
    expect(mayBeKubernetes("server:\n  port: 80\n")).toBe(false);
    const broken = parseKubernetes(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: [\n",
      "x.yaml",
    )!;
    expect(broken.resources.map((r) => r.name)).toEqual(["ok"]);
    expect(broken.invalid).toBe(1);
  });

  it("refuses alias bombs instead of expanding them", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 12 }, (_, i) => {
        const prev = i === 0 ? "a" : `l${i - 1}`;
        return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
      "apiVersion: v1",
      "kind: Pod",
    ].join("\n");
    expect(parseKubernetes(bomb, "bomb.yaml")).toBeNull();
  });
});

describe("parseImageRef", () => {
  it.each([
    ["nginx", "", "nginx", "", ""],
    ["nginx:1.25", "", "nginx", "1.25", ""],
    ["registry.local:5000/tools/busybox", "registry.local:5000", "tools/busybox", "", ""],
    ["localhost/app:dev", "localhost", "app", "dev", ""],
    ["ghcr.io/org/app:1.0@sha256:abc", "ghcr.io", "org/app", "1.0", "sha256:abc"],
    ["team/app@sha256:abc", "", "team/app", "", "sha256:abc"],
    ["", "", "", "", ""],
  ])("%s", (ref, registry, repository, tag, digest) => {
    expect(parseImageRef(ref)).toEqual({ ref, registry, repository, tag, digest });
  });
});
