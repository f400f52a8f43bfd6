/** The haproxy router's settings (`router:` in sluice.yml with `type: haproxy`). */
import { z } from "zod";
import { createError } from "../../../core/errors";
import { DEFAULT_SAMPLE_CAPACITY } from "../metrics";

const ms = z.number().int().positive();

export const haproxyRouterOptionsSchema = z.strictObject({
  /** Where clients connect; port 0 picks a free one before HAProxy starts (start() reports it). */
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
  /** State dir for haproxy.cfg, the split map and the sockets; default a new temp dir. */
  dir: z.string().min(1).optional(),
  /** The haproxy program: a path, or a name looked up on PATH (and /usr/sbin). */
  binary: z.string().min(1).default("haproxy"),
  /** nbthread; default HAProxy's own (one per core). */
  threads: z.number().int().min(1).max(64).optional(),
  /** How long removed instances and `stop()` wait for in-flight requests (also `hard-stop-after`). */
  drainTimeoutMs: ms.default(30_000),
  connectTimeoutMs: ms.default(5_000),
  /** A backend silent this long during a request answers 504. */
  upstreamTimeoutMs: ms.default(60_000),
  clientTimeoutMs: ms.default(60_000),
  /** Recent requests kept per version for analysis judges (from HAProxy's per-request log). */
  sampleCapacity: z.number().int().min(0).max(1_000_000).default(DEFAULT_SAMPLE_CAPACITY),
  /** Server slots allocated per version at least, so scaling within them needs no reload. */
  minSlots: z.number().int().min(1).max(1000).default(4),
});

export type HaproxyRouterOptions = z.output<typeof haproxyRouterOptionsSchema>;

/** Validates options; throws SLUICE_E_ROUTER_CONFIG listing every problem. */
export function parseHaproxyOptions(input: unknown): HaproxyRouterOptions {
  const parsed = haproxyRouterOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid haproxy router options: ${problems.join("; ")}.`);
}
