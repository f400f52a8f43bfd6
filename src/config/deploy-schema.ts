/**
 * The deployment part of `sluice.yml`: `environments` (where versions run, how traffic reaches them,
 * which strategy moves it and what rolls it back) and `analyses` (named metric analyses that canary
 * steps and blue-green verification refer to). Steps read like Argo Rollouts' (`setWeight: 10`,
 * `pause: 30s`, `analysis: errors`), durations like Flagger's (`30s`, `5m`).
 */
import { z } from "zod";
import { JUDGE_TYPES } from "../analysis/judge/names";
import { DEFAULT_JUDGE_TYPE } from "./expression-sites";
import { kubernetesTargetSettingsSchema } from "../deploy/target/kubernetes/options";
import { durationSchema } from "./duration";
import type { canaryStepSchema } from "./strategy-schema";
import { blueGreenSchema, canarySchema, name, rollingSchema } from "./strategy-schema";

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

// Kubernetes' quantity suffixes, so a limit reads the same here as in a manifest.
const memorySchema = z.union([z.number().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(v.trim());
  if (m === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a memory size (use e.g. 512Mi, 1Gi, 500M)` });
    return z.NEVER;
  }
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? ""]!);
});

const stringMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
);

const healthCheckSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("http"),
      path: z.string().optional().describe("Path on the instance (default `/`)."),
      url: z.string().optional().describe("An absolute URL to check instead of the instance."),
      method: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      expectStatus: z.array(z.union([z.int(), z.string()])).optional(),
      bodyContains: z.string().optional(),
      bodyRegex: z.string().optional(),
      timeout: durationSchema().optional(),
    }),
    z.strictObject({
      type: z.literal("tcp"),
      host: z.string().optional(),
      port: z.int().optional(),
      timeout: durationSchema().optional(),
    }),
    z.strictObject({
      type: z.literal("command"),
      command: z.string().min(1),
      args: z.array(z.string()).optional(),
      cwd: z.string().optional(),
      env: z.record(z.string(), z.string()).optional(),
      timeout: durationSchema().optional(),
    }),
  ])
  .describe("A health check: `http` (status and body), `tcp` (connect) or `command` (exit 0).");

const runFields = {
  env: stringMap.default({}).describe("Environment of every instance (`{{version}}` is replaced in values)."),
  instances: z.int().positive().default(2).describe("Instances of the serving version."),
  readiness: healthCheckSchema.optional().describe("When an instance is ready (default: its port accepts)."),
  readyTimeout: durationSchema().default(60_000).describe("How long instances may take to become ready."),
};

const processTargetSchema = z
  .strictObject({
    type: z
      .literal("process")
      .default("process")
      .describe("Where versions run (`process`: local processes; `kubernetes`: a Deployment per version)."),
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .describe(
        "The program of one instance; `{{version}}` is replaced. PORT, HOST, VERSION and SLUICE_INSTANCE are set.",
      ),
    cwd: z
      .string()
      .optional()
      .describe("Working directory (`{{version}}` is replaced); default the repository."),
    ...runFields,
  })
  .describe("Versions run as local processes.");

// The kubernetes target's own settings come from its options schema (one source for both).
const kubernetesTargetSchema = kubernetesTargetSettingsSchema
  .extend({
    type: z.literal("kubernetes"),
    image: z
      .string()
      .min(1)
      .describe(
        "The container image of a version; `{{version}}` is replaced (`ghcr.io/acme/shop:{{version}}`).",
      ),
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .optional()
      .describe("Overrides the image's entrypoint; `{{version}}` is replaced. Default: the image's own."),
    pollInterval: durationSchema().default(1000).describe("How often Pods are listed for instance status."),
    ...runFields,
  })
  .strict()
  .describe("Versions run as Kubernetes Deployments (one per version).");

const targetSchema = z
  .discriminatedUnion("type", [processTargetSchema, kubernetesTargetSchema])
  .describe("How a version runs: `process` (default) or `kubernetes`.");

const routerSchema = z
  .looseObject({
    type: z
      .enum(["builtin", "haproxy", "nginx", "kubernetes"])
      .default("builtin")
      .describe(
        "`builtin` (Sluice's own proxy), `haproxy`, `nginx` or `kubernetes` (Gateway API HTTPRoute).",
      ),
    host: z.string().default("127.0.0.1").describe("Address clients connect to."),
    port: z.int().min(0).max(65535).default(8080).describe("Port clients connect to (0: any free port)."),
  })
  .describe("How traffic reaches the versions; options beyond type/host/port go to the router.");

const rollbackSchema = z
  .strictObject({
    healthFailures: z
      .int()
      .nonnegative()
      .optional()
      .describe("Consecutive failed health checks (default 3; 0 off)."),
    crashLoop: z
      .strictObject({ restarts: z.int().nonnegative(), window: durationSchema() })
      .optional()
      .describe("Restarts within the window that roll back (default 3 in 5m)."),
    readyTimeout: durationSchema().optional().describe("Instances not ready in time roll back (default 2m)."),
    analysisTimeout: durationSchema()
      .optional()
      .describe("An analysis without verdict in time fails (default 15m)."),
    drain: durationSchema().optional().describe("Stopped instances drain this long (default 10s)."),
    resources: z
      .strictObject({
        memory: memorySchema
          .optional()
          .describe("Memory limit of one instance: `512Mi`, `1Gi`, `500M` or bytes."),
        cpu: z.number().positive().optional().describe("CPU limit of one instance, in cores (0.5, 2)."),
        above: z
          .number()
          .gt(0)
          .max(1)
          .default(0.9)
          .describe("Share of a limit that counts as too much (default 0.9)."),
        for: durationSchema().default(60_000).describe("How long use must stay above it (default 1m)."),
      })
      .optional()
      .describe("Roll back when the new version's busiest instance stays above a share of a limit."),
    onResume: z
      .enum(["resume", "rollback"])
      .optional()
      .describe("After an agent restart: carry on (default) or return all traffic to stable."),
  })
  .describe("What rolls a rollout back, besides analyses.");

const environmentSchema = z
  .strictObject({
    branches: z
      .array(z.string().min(1))
      .optional()
      .describe("Branches that may deploy here (GitHub filter patterns); any when unset."),
    target: targetSchema,
    router: routerSchema.prefault({}),
    strategy: z
      .discriminatedUnion("type", [canarySchema, blueGreenSchema, rollingSchema])
      .prefault({ type: "canary" })
      .describe("How a new version takes over: `canary`, `blueGreen` or `rolling`."),
    healthCheck: z
      .strictObject({ check: healthCheckSchema, interval: durationSchema().default(2000) })
      .optional()
      .describe("Checked on every instance of the new version during a rollout; failures roll back."),
    rollback: rollbackSchema.prefault({}),
    approvals: z
      .array(name)
      .default([])
      .describe("Approvals required before the new version gets traffic (recorded with who gave them)."),
    metrics: z
      .strictObject({
        host: z.string().default("127.0.0.1"),
        port: z.int().min(0).max(65535).describe("Port of the agent's Prometheus endpoint (GET /metrics)."),
      })
      .optional()
      .describe("Serve the router's per-version metrics and the traffic split for Prometheus to scrape."),
  })
  .describe("A deployment environment.");

const analysisSchema = z
  .strictObject({
    provider: z
      .looseObject({ type: z.string().default("router") })
      .prefault({})
      .describe("Where measurements come from: `router` (default), `prometheus`, `http`."),
    metrics: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe("The name judges refer to (`errorRate`, `latency`)."),
          query: z.string().min(1).describe("Provider query (`{{version}}`, `{{window}}` are replaced)."),
          options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        }),
      )
      .default([
        { name: "errorRate", query: "errorRate" },
        { name: "latency", query: "latency" },
      ])
      .describe("Metrics measured for the candidate and its baseline."),
    judge: z
      .looseObject({ type: z.string().default(DEFAULT_JUDGE_TYPE) })
      .prefault({})
      // The judge's own settings are checked by the judge after the schema (expressions.ts), so
      // that the judges and cel-js load only for files that have analyses.
      .superRefine((raw, ctx) => {
        if (!JUDGE_TYPES.includes(raw.type)) {
          ctx.addIssue({
            code: "custom",
            path: ["type"],
            message: `unknown judge; expected one of ${JUDGE_TYPES.join(", ")}`,
          });
        }
      })
      .describe("How canary and baseline are compared: `sequential` (default), `threshold`, `mann-whitney`."),
    interval: durationSchema().default(1000).describe("Time between measurements."),
    baselineHistory: durationSchema()
      .default(300_000)
      .describe("Stable's history before the candidate's first request included in the baseline."),
    failureLimit: z.int().nonnegative().optional(),
    inconclusiveLimit: z.int().nonnegative().optional(),
    consecutiveErrorLimit: z.int().nonnegative().optional(),
    count: z
      .int()
      .positive()
      .optional()
      .describe("Measurements to take; unset: until the judge is sure or the step ends."),
  })
  .describe("A named analysis of a candidate version against its baseline.");

export const environmentsSchema = z
  .record(name, environmentSchema)
  .default({})
  .describe("Deployment environments, by name (`sluice deploy NAME`).");

export const analysesSchema = z
  .record(name, analysisSchema)
  .default({})
  .describe("Analyses, by name, that strategies run (`analysis: NAME` steps).");

export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type AnalysisConfig = z.output<typeof analysisSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
export type CanaryStepConfig = z.output<typeof canaryStepSchema>;
