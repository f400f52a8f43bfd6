/**
 * A test double of the Kubernetes API on loopback, for the kubernetes target's and router's API
 * tests. It checks the client wiring — paths, verbs, content types, query parameters, bodies, and the
 * kubeconfig being honoured — and nothing of Kubernetes' semantics: objects are stored as sent (an
 * apply merges into what exists), a Deployment's Pods appear at once (ready unless `podsReady` is
 * false) and deleted Pods vanish at once. Real behaviour is the cluster suites' job (KUBECONFIG).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  authorization: string | null;
  body: unknown;
}

type KubeObject = {
  metadata?: { name?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

export interface FakeKubeApi {
  url: string;
  /** A kubeconfig file pointing at the fake, with a bearer token and `namespace` as its namespace. */
  kubeconfig: string;
  requests: RecordedRequest[];
  /** Stored objects by collection path, e.g. `/apis/apps/v1/namespaces/ns/deployments`. */
  objects: Map<string, Map<string, KubeObject>>;
  /** Whether Pods created from now on report Ready. */
  podsReady: boolean;
  /** Seeds an object (e.g. a Gateway with a status). */
  put(collection: string, object: KubeObject): void;
  get(collection: string, name: string): KubeObject | undefined;
  close(): Promise<void>;
}

const ITEM = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/[^/]+\/[^/]+(?:\/([^/]+))?$/;

export async function startFakeKubeApi(namespace = "sluice-test"): Promise<FakeKubeApi> {
  const objects = new Map<string, Map<string, KubeObject>>();
  const requests: RecordedRequest[] = [];
  let podSerial = 0;
  const collection = (key: string): Map<string, KubeObject> => {
    let c = objects.get(key);
    if (c === undefined) objects.set(key, (c = new Map()));
    return c;
  };

  const fake: FakeKubeApi = {
    url: "",
    kubeconfig: "",
    requests,
    objects,
    podsReady: true,
    put: (key, object) => void collection(key).set(object.metadata!.name!, object),
    get: (key, name) => objects.get(key)?.get(name),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  /** The "controllers": each Deployment has `replicas` Pods, and its ready count in status. */
  const reconcile = (): void => {
    for (const [key, deployments] of objects) {
      if (!key.endsWith("/deployments")) continue;
      const podsKey = key.replace(/^\/apis\/apps\/v1/, "/api/v1").replace(/deployments$/, "pods");
      const pods = collection(podsKey);
      for (const d of deployments.values()) {
        const spec = d.spec as { replicas?: number; selector: { matchLabels: Record<string, string> } };
        const template = (d.spec as { template: { metadata: KubeObject["metadata"] } }).template.metadata;
        const mine = [...pods.values()].filter((p) => matches(p, spec.selector.matchLabels));
        for (let n = mine.length; n < (spec.replicas ?? 1); n++) {
          const name = `${d.metadata!.name}-${(++podSerial).toString(36).padStart(5, "0")}`;
          const pod = makePod(name, template, podSerial, fake.podsReady);
          pods.set(name, pod);
          mine.push(pod);
        }
        for (const extra of mine.slice(spec.replicas ?? 1)) pods.delete(extra.metadata!.name!);
        const ready = mine.slice(0, spec.replicas ?? 1).filter(isReady).length;
        d.status = { replicas: spec.replicas, readyReplicas: ready };
      }
      for (const [name, pod] of pods) {
        const owned = [...deployments.values()].some((d) =>
          matches(
            pod,
            (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          ),
        );
        if (!owned) pods.delete(name);
      }
    }
  };

  const handle = (req: RecordedRequest): { status: number; body: unknown } => {
    const m = ITEM.exec(req.path);
    if (m === null) return notFound(req.path);
    const name = m[1];
    const key = name === undefined ? req.path : req.path.slice(0, req.path.lastIndexOf("/"));
    const items = collection(key);
    const selector = parseSelector(req.query.labelSelector);
    if (name === undefined) {
      const selected = [...items.values()].filter((o) => matches(o, selector));
      if (req.method === "GET") return { status: 200, body: { kind: "List", metadata: {}, items: selected } };
      if (req.method === "DELETE") {
        for (const o of selected) items.delete(o.metadata!.name!);
        return { status: 200, body: { kind: "List", metadata: {}, items: selected } };
      }
    } else {
      const existing = items.get(name);
      if (req.method === "GET") return existing ? { status: 200, body: existing } : notFound(name);
      if (req.method === "DELETE") {
        if (!existing) return notFound(name);
        items.delete(name);
        return { status: 200, body: { kind: "Status", apiVersion: "v1", status: "Success" } };
      }
      if (req.method === "PATCH") {
        const apply = req.contentType === "application/apply-patch+yaml";
        if (!existing && !apply) return notFound(name);
        const next = merge(existing ?? {}, req.body) as KubeObject;
        items.set(name, next);
        return { status: existing ? 200 : 201, body: next };
      }
    }
    return { status: 405, body: { kind: "Status", status: "Failure", code: 405 } };
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://fake");
      const text = Buffer.concat(chunks).toString("utf8");
      const rec: RecordedRequest = {
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType: request.headers["content-type"]?.split(";")[0] ?? null,
        authorization: request.headers.authorization ?? null,
        body: text === "" ? null : JSON.parse(text),
      };
      requests.push(rec);
      const out = handle(rec);
      reconcile();
      response.writeHead(out.status, { "content-type": "application/json" });
      response.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.kubeconfig = writeKubeconfig(fake.url, namespace);
  return fake;
}

function writeKubeconfig(server: string, namespace: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-kube-"));
  const file = path.join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    // The client refuses plain http unless TLS verification is off (the fake speaks http).
    clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "fake", user: { token: "fake-token" } }],
    contexts: [{ name: "fake", context: { cluster: "fake", user: "fake", namespace } }],
    "current-context": "fake",
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function makePod(name: string, template: KubeObject["metadata"], serial: number, ready: boolean): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: template?.labels, annotations: template?.annotations },
    status: {
      phase: "Running",
      podIP: `10.0.0.${serial}`,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [{ name: "app", restartCount: 0, ready, image: "x", imageID: "x" }],
    },
  };
}

function isReady(pod: KubeObject): boolean {
  return ((pod.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );
}

function parseSelector(text: string | undefined): Record<string, string> {
  if (text === undefined || text === "") return {};
  return Object.fromEntries(text.split(",").map((kv) => kv.split("=") as [string, string]));
}

function matches(o: KubeObject, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => o.metadata?.labels?.[k] === v);
}

/** JSON merge patch (RFC 7386); also how the fake approximates an apply. */
function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

function notFound(what: string): { status: number; body: unknown } {
  return {
    status: 404,
    body: {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: `${what} not found`,
      reason: "NotFound",
      code: 404,
    },
  };
}
