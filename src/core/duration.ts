/**
 * Durations as people write them in sluice.yml and on the command line: `500ms`, `30s`, `5m`, `1h`,
 * compounds such as `1m30s`, or a bare number of seconds (as Argo Rollouts' `pause.duration` and
 * Flagger's `interval` read them). Free of zod, so commands can parse flags without loading it.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Milliseconds for a duration string, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(trimmed); m !== null; m = PART.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = PART.lastIndex;
  }
  return end === trimmed.length ? Math.round(total) : null;
}
