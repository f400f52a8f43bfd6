/** The kubernetes router's settings (`router:` in sluice.yml with `type: kubernetes`). */
import { z } from "zod";
import { createError } from "../../../core/errors";

const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a DNS-1123 label: lowercase letters, digits and -" });
const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "a DNS-1123 subdomain" });

export const kubernetesRouterOptionsSchema = z.strictObject({
  /** Reported by `start()` when neither `address` nor the Gateway's status gives one (sluice.yml's defaults). */
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
  /** The application: the `app.kubernetes.io/name` the target labels Pods with. */
  service: dnsLabel,
  /** Namespace of the HTTPRoute and Services (default: the kubeconfig context's, else `default`). */
  namespace: dnsLabel.optional(),
  /** The Gateway the HTTPRoute attaches to (its parentRef). */
  gateway: z.strictObject({
    name: dnsSubdomain,
    namespace: dnsLabel.optional(),
    /** A listener of the Gateway (parentRef sectionName); its port is the one `start()` reports. */
    sectionName: z.string().min(1).optional(),
  }),
  /** The HTTPRoute's name (default: the service's). */
  route: dnsSubdomain.optional(),
  /** The HTTPRoute's hostnames (default: every hostname the listener accepts). */
  hostnames: z.array(z.string().min(1)).optional(),
  /** The port of each version's Service (its targetPort is the instances' port). */
  servicePort: z.number().int().min(1).max(65535).default(80),
  /** Where clients reach the Gateway, when its status does not say (or says an internal address). */
  address: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).optional(),
  context: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
});

export type KubernetesRouterOptions = z.output<typeof kubernetesRouterOptionsSchema>;

/** Validates options; throws SLUICE_E_ROUTER_CONFIG listing every problem. */
export function parseKubernetesRouterOptions(input: unknown): KubernetesRouterOptions {
  const parsed = kubernetesRouterOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid kubernetes router options: ${problems.join("; ")}.`);
}
