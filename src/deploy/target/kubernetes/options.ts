/**
 * The kubernetes target's own settings: the `target:` section of sluice.yml with `type: kubernetes`,
 * less the fields every target shares (command, env, instances, readiness, readyTimeout), which reach
 * it per version through the DeploySpec. sluice.yml's schema extends this one (config/deploy-schema).
 */
import { z } from "zod";
import { createError } from "../../../core/errors";

const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a DNS-1123 label: lowercase letters, digits and -" });
const quantities = z
  .record(
    z.string(),
    z.union([z.string(), z.number()]).transform((v) => String(v)),
  )
  .optional();

export const kubernetesTargetSettingsSchema = z.object({
  service: dnsLabel.describe(
    "The application: label `app.kubernetes.io/name` and the prefix of each version's Deployment.",
  ),
  image: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The container image of a version; `{{version}}` is replaced (e.g. `ghcr.io/acme/shop:{{version}}`).",
    ),
  namespace: dnsLabel
    .optional()
    .describe("Namespace of the Deployments (default: the kubeconfig context's, else `default`)."),
  port: z
    .int()
    .min(1)
    .max(65535)
    .default(8080)
    .describe("The container port the program listens on (its PORT); probes and Services use it."),
  resources: z
    .strictObject({ requests: quantities, limits: quantities })
    .optional()
    .describe("Container resources, as in a Pod spec (`requests: { cpu: 100m, memory: 128Mi }`)."),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
  serviceAccountName: z.string().min(1).optional(),
  context: z.string().min(1).optional().describe("The kubeconfig context (default: the current one)."),
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe("A kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)."),
  pollInterval: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe("How often Pods are listed for `status` and instances (ms)."),
});

export type KubernetesTargetSettings = z.output<typeof kubernetesTargetSettingsSchema>;

/** Validates the settings a factory received; throws SLUICE_E_CONFIG listing every problem. */
export function parseKubernetesTargetSettings(input: unknown): KubernetesTargetSettings {
  const parsed = kubernetesTargetSettingsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw createError("SLUICE_E_CONFIG", `Invalid kubernetes target settings: ${problems.join("; ")}.`);
}
