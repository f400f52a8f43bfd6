/** The builtin router's settings (`router:` in sluice.yml with `type: builtin`). */
import { z } from "zod";
import { createError } from "../../../core/errors";
import { DEFAULT_SAMPLE_CAPACITY } from "../metrics";

const token = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "must be an HTTP token");
const ms = z.number().int().positive();

export const builtinRouterOptionsSchema = z.strictObject({
  /** Where clients connect; port 0 picks a free one (start() reports it). */
  listen: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: z.number().int().min(0).max(65535).default(0),
    })
    .default({ host: "127.0.0.1", port: 0 }),
  /**
   * Sticky sessions: requests with the same value of this cookie or header go to the same version as
   * long as the weights allow (hash ranges only widen for a growing version). Requests without it are
   * split per request.
   */
  sticky: z
    .union([
      z.strictObject({ cookie: token }),
      z.strictObject({ header: token.transform((h) => h.toLowerCase()) }),
    ])
    .optional(),
  /** How long removed instances and `stop()` wait for in-flight requests before cutting them. */
  drainTimeoutMs: ms.default(30_000),
  /** A backend silent this long during a request answers 504. */
  upstreamTimeoutMs: ms.default(60_000),
  /** Idle backend connections close after this; below Node's 5 s server keep-alive on purpose. */
  upstreamIdleTimeoutMs: ms.default(4_000),
  /** Idle client connections (and slow request heads) close after this. */
  clientTimeoutMs: ms.default(60_000),
  maxIdlePerBackend: z.number().int().min(0).default(256),
  /** Recent requests kept per version for analysis judges. */
  sampleCapacity: z.number().int().min(0).max(1_000_000).default(DEFAULT_SAMPLE_CAPACITY),
});

export type BuiltinRouterOptions = z.output<typeof builtinRouterOptionsSchema>;

/** Validates options; throws SLUICE_E_ROUTER_CONFIG listing every problem. */
export function parseBuiltinOptions(input: unknown): BuiltinRouterOptions {
  const parsed = builtinRouterOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid builtin router options: ${problems.join("; ")}.`);
}
