/**
 * A deliberately small JSON path: `$.data.result[0].value`, `items[-1].p95`, `$["odd key"]`. Enough
 * to pick one value out of a JSON document; filters and wildcards are out of scope (use a service
 * that returns the number, or Prometheus).
 */

export type JsonPathSegment = string | number;

/** Parses a path; null when it is malformed (config validation reports it). */
export function parseJsonPath(path: string): JsonPathSegment[] | null {
  const segments: JsonPathSegment[] = [];
  let rest = path.trim();
  if (rest.startsWith("$")) rest = rest.slice(1);
  else if (rest !== "" && !rest.startsWith("[")) rest = `.${rest}`;
  const token =
    /^(?:\.([A-Za-z_$][\w$-]*)|\[\s*(-?\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\])/;
  while (rest !== "") {
    const m = token.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]!).replace(/\\(.)/g, "$1"));
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** Follows `segments` into `doc`; negative indexes count from the end of an array. */
export function selectJsonPath(
  doc: unknown,
  segments: readonly JsonPathSegment[],
): { found: true; value: unknown } | { found: false; reason: string } {
  let current: unknown = doc;
  let at = "$";
  for (const seg of segments) {
    if (typeof seg === "number") {
      if (!Array.isArray(current)) return { found: false, reason: `${at} is not an array` };
      const i = seg < 0 ? current.length + seg : seg;
      if (i < 0 || i >= current.length) return { found: false, reason: `${at}[${seg}] is out of range` };
      current = current[i];
      at += `[${seg}]`;
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current)) {
        return { found: false, reason: `${at} is not an object` };
      }
      if (!Object.hasOwn(current, seg)) return { found: false, reason: `${at} has no key "${seg}"` };
      current = (current as Record<string, unknown>)[seg];
      at += `.${seg}`;
    }
  }
  return { found: true, value: current };
}

/** A JSON value as a number: numbers and numeric strings ("0.25", "NaN" as PromQL writes it). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(
      value
        .trim()
        .replace(/^\+?Inf$/, "Infinity")
        .replace(/^-Inf$/, "-Infinity"),
    );
    return Number.isNaN(n) && value.trim() !== "NaN" ? undefined : n;
  }
  return undefined;
}
