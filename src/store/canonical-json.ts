/**
 * Canonical JSON for hashing: the same value always serialises to the same text, whatever order its
 * keys were inserted in. Object keys are sorted by UTF-16 code units at every depth (as RFC 8785
 * does), with no whitespace; values are normalised through JSON first, so `undefined` members are
 * dropped, `toJSON` applies and non-finite numbers become null, exactly as they are stored.
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? "null" : writeCanonical(JSON.parse(text) as unknown);
}

/** Writes a plain JSON value (the output of JSON.parse) with sorted keys. */
function writeCanonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeCanonical).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${writeCanonical(record[key])}`);
  return `{${members.join(",")}}`;
}
