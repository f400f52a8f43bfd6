/**
 * How a new version takes over an environment, as sluice.yml writes it: `canary` steps in Argo
 * Rollouts' vocabulary, `blueGreen` with verification, `rolling`. Part of the deployment schema
 * (deploy-schema.ts), split out to keep each file to one concept.
 */
import { z } from "zod";
import { durationSchema } from "./duration";

/** Names of analyses, approvals and routes. */
export const name = z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: "names use letters, digits, - and _" });

const matchSchema = z.strictObject({
  header: z.string().min(1).describe("Header name (case-insensitive)."),
  value: z.string().describe("Exact value."),
});

// Shorthands are expanded before validation (`analysis: errors` → `{ name: errors }`, `pause: 30s` →
// `{ duration: 30s }`), so a mistake is reported against the one shape it was meant for rather than
// as "matches none of the alternatives".
const named = z.preprocess(
  (v) => (typeof v === "string" ? { name: v } : v),
  z.strictObject({ name, timeout: durationSchema().optional() }),
);
const pauseSchema = z.preprocess(
  (v) => (v === true || v === null ? {} : typeof v === "object" ? v : { duration: v }),
  z.strictObject({ duration: durationSchema().optional() }),
);

export const canaryStepSchema = z
  .strictObject({
    setWeight: z.number().min(0).max(100).optional().describe("Percent of traffic to the canary."),
    pause: pauseSchema.optional().describe("Wait this long (`30s`), or until `sluice promote` (`{}`)."),
    analysis: named.optional().describe("Run this analysis and wait for its verdict."),
    approval: named
      .optional()
      .describe("Wait for `sluice approve` (or `sluice promote`); a rejection aborts."),
    setHeaderRoute: z
      .strictObject({ name, match: matchSchema.nullable() })
      .optional()
      .describe("Send requests with this header to the canary (match null removes the route)."),
  })
  .superRefine((step, ctx) => {
    const keys = Object.keys(step);
    if (keys.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `a step has exactly one of setWeight, pause, analysis, approval, setHeaderRoute (found ${keys.length === 0 ? "none" : keys.join(", ")})`,
      });
    }
  })
  .describe(
    "One step: `setWeight: 10`, `pause: 30s`, `analysis: NAME`, `approval: NAME` or `setHeaderRoute`.",
  );

export const canarySchema = z.strictObject({
  type: z.literal("canary"),
  steps: z
    .array(canaryStepSchema)
    .default([
      { setWeight: 10 },
      { pause: { duration: 30_000 } },
      { setWeight: 50 },
      { pause: { duration: 30_000 } },
    ])
    .describe("Steps in order; after the last the canary takes all traffic."),
  backgroundAnalysis: z
    .preprocess(
      (v) => (typeof v === "string" ? { name: v } : v),
      z.strictObject({ name, startingStep: z.int().nonnegative().optional() }),
    )
    .optional()
    .describe("An analysis that watches the canary from `startingStep` until promotion."),
  scaleDownDelay: durationSchema().optional().describe("How long the old version stays warm (default 30s)."),
});

export const blueGreenSchema = z.strictObject({
  type: z.literal("blueGreen"),
  previewInstances: z.int().positive().optional().describe("Green's size before the switch."),
  previewRoute: matchSchema.optional().describe("Requests with this header reach green before the switch."),
  smokeTest: z
    .preprocess(
      (v) => (typeof v === "string" ? { run: v } : v),
      z
        .strictObject({
          run: z.string().min(1).optional().describe("A shell command; exit 0 passes."),
          workflow: z.string().min(1).optional().describe("A workflow file whose `job` is the smoke test."),
          job: z.string().min(1).optional().describe("The job of `workflow` to run (its result decides)."),
          timeout: durationSchema().optional(),
        })
        .refine((t) => (t.run !== undefined) !== (t.workflow !== undefined || t.job !== undefined), {
          error: "give either `run` (a command) or `workflow` and `job`",
        })
        .refine((t) => (t.workflow === undefined) === (t.job === undefined), {
          error: "`workflow` and `job` go together",
        }),
    )
    .optional()
    .describe(
      "Run against green before it takes traffic (URL, ROUTER_URL, VERSION set): a shell command, or a workflow job.",
    ),
  prePromotionAnalysis: name.optional(),
  postPromotionAnalysis: name.optional(),
  healthyChecksBeforeSwitch: z.int().nonnegative().optional(),
  autoPromotion: z
    .boolean()
    .default(true)
    .describe("Switch as soon as verified; false waits for `sluice promote`."),
  autoPromotionDelay: durationSchema().optional(),
  scaleDownDelay: durationSchema()
    .optional()
    .describe("How long blue stays warm after the switch (default 30s)."),
});

export const rollingSchema = z.strictObject({
  type: z.literal("rolling"),
  maxSurge: z.union([z.int().nonnegative(), z.string().regex(/^\d+%$/)]).optional(),
  maxUnavailable: z.union([z.int().nonnegative(), z.string().regex(/^\d+%$/)]).optional(),
});
