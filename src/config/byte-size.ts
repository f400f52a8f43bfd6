/**
 * Sizes as people write them: `20MiB`, `512 KiB`, `50MB`, `1G`, or a plain number of bytes. Binary
 * units (KiB, MiB, GiB, and K, M, G alone, as `ulimit` and docker read them) are powers of 1024;
 * KB, MB, GB powers of 1000. Used by `scan.secrets.maxFileSize` and `--max-file-size`.
 */
import { z } from "zod";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  ki: 1024,
  kib: 1024,
  kb: 1e3,
  m: 1024 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1e6,
  g: 1024 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1e9,
};

export const BYTE_SIZE_HINT = "a size such as 20MiB, 512KiB, 50MB or a number of bytes";

/** Bytes, or undefined when `text` is not a positive size. */
export function parseByteSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 1 ? Math.floor(text) : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return bytes >= 1 ? bytes : undefined;
}

/** A size in sluice.yml: a number of bytes or a string with a unit, parsed to bytes. */
export function byteSizeSchema() {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const bytes = parseByteSize(v);
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not ${BYTE_SIZE_HINT}` });
      return z.NEVER;
    }
    return bytes;
  });
}
