/** The nginx router's settings (`router:` in sluice.yml with `type: nginx`). */
import { z } from "zod";
import { createError } from "../../../core/errors";
import { DEFAULT_SAMPLE_CAPACITY } from "../metrics";

const ms = z.number().int().positive();

export const nginxRouterOptionsSchema = z.strictObject({
  /** The address nginx listens on for client traffic. */
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port before nginx starts (nginx itself cannot report an ephemeral port). */
  port: z.number().int().min(0).max(65535).default(0),
  /**
   * The state dir holding nginx.conf, the pid file, temp paths and logs. Absent: a fresh temp dir,
   * removed by stop(). A given dir is kept (its logs are the record of what nginx did).
   */
  dir: z.string().min(1).optional(),
  /** The nginx binary; absent: `nginx` on PATH or in /usr/sbin. */
  nginxPath: z.string().min(1).optional(),
  /** worker_processes: a number, or `auto` (one per core). */
  workers: z.union([z.number().int().min(1).max(64), z.literal("auto")]).default(1),
  /** How long old workers may finish in-flight requests after a reload or stop before they are cut. */
  drainTimeoutMs: ms.default(30_000),
  /** How long a start or reload may take to take effect before it counts as failed. */
  reloadTimeoutMs: ms.default(10_000),
  /** Idle keep-alive connections kept per upstream (per worker), nginx's `keepalive`. */
  keepalive: z.number().int().min(1).max(10_000).default(64),
  /** proxy_connect_timeout / proxy_read_timeout towards backends. */
  upstreamTimeoutMs: ms.default(60_000),
  /** How often the access log is read into the metrics (metrics() also reads it first). */
  logPollMs: ms.default(250),
  /** Recent requests kept per version for analysis judges. */
  sampleCapacity: z.number().int().min(0).max(1_000_000).default(DEFAULT_SAMPLE_CAPACITY),
});

export type NginxRouterOptions = z.output<typeof nginxRouterOptionsSchema>;

/** Validates options; throws SLUICE_E_ROUTER_CONFIG listing every problem. */
export function parseNginxOptions(input: unknown): NginxRouterOptions {
  const parsed = nginxRouterOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid nginx router options: ${problems.join("; ")}.`);
}
