/**
 * The Target contract against a real cluster. This machine has no Kubernetes (DESIGN.md), so the
 * suite runs only when KUBECONFIG is set, and is skipped otherwise — the one plug-in allowed to skip
 * for a missing engine. It needs an image with node (SLUICE_K8S_TEST_IMAGE, default node:20-alpine)
 * and Pod IPs routable from where the tests run (kind or minikube on Linux, or a runner in-cluster),
 * since the contract requests each instance directly. Namespace: the context's, or
 * SLUICE_K8S_TEST_NAMESPACE. Every run uses its own service name and deletes what it created.
 */
import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { describeTargetContract } from "../contract";
import { KubernetesTarget } from "./kubernetes-target";

const kubeconfig = process.env.KUBECONFIG;
const image = process.env.SLUICE_K8S_TEST_IMAGE ?? "node:20-alpine";
const namespace = process.env.SLUICE_K8S_TEST_NAMESPACE;

// Answers GET / with its VERSION and PORT, as the contract expects; exits at once on SIGTERM.
const SERVER = [
  'const http = require("node:http");',
  "const port = Number(process.env.PORT);",
  "http.createServer((req, res) => {",
  '  res.setHeader("content-type", "application/json");',
  "  res.end(JSON.stringify({ version: process.env.VERSION, port }));",
  '}).listen(port, "0.0.0.0");',
  'process.on("SIGTERM", () => process.exit(0));',
].join("\n");

describe.skipIf(!kubeconfig)(
  "kubernetes target on the cluster in KUBECONFIG (skipped: no KUBECONFIG, this machine has no cluster)",
  { timeout: 300_000 },
  () => {
    const service = `sluice-contract-${randomBytes(3).toString("hex")}`;
    describeTargetContract(
      "kubernetes",
      () =>
        new KubernetesTarget({
          settings: { service, image, pollInterval: 500, ...(namespace ? { namespace } : {}) },
        }),
      () => ({ command: ["node", "-e", SERVER], instances: 1, readyTimeoutMs: 180_000, drainMs: 2000 }),
    );
  },
);
