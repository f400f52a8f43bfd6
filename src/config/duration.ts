/**
 * Durations in sluice.yml: `500ms`, `30s`, `5m`, `1h`, compounds such as `1m30s`, or a bare number
 * of seconds (as Argo Rollouts' `pause.duration` and Flagger's `interval` read them). Always
 * milliseconds inside Sluice.
 */
import { z } from "zod";
import { parseDuration } from "../core/duration";

export { parseDuration };

/** A zod schema reading a duration (string or number of seconds) into milliseconds. */
export function durationSchema() {
  return z
    .union([z.string(), z.number().nonnegative()], {
      error: 'expected a duration such as "30s", "5m", "500ms" or a number of seconds',
    })
    .transform((value, ctx) => {
      const ms = typeof value === "number" ? Math.round(value * 1000) : parseDuration(value);
      if (ms === null) {
        ctx.addIssue({
          code: "custom",
          message: `"${String(value)}" is not a duration (use e.g. "30s", "5m", "1h30m", "500ms")`,
        });
        return z.NEVER;
      }
      return ms;
    });
}
