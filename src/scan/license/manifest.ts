/**
 * The declared licence of an installed package, read from its own metadata: `package.json` for npm,
 * `*.dist-info/METADATA` (core metadata) for Python. Pure: callers read the files.
 */
import { CLASSIFIER_IDS } from "./aliases";
import { parseSpdx } from "./normalize";

/**
 * The licence a `package.json` declares: `license` (a string, or the legacy `{ type, url }` object),
 * else the legacy `licenses` array, whose entries are alternatives (npm documented them as a choice)
 * and so are joined with OR. Undefined when the manifest declares nothing.
 */
export function licenseFromPackageJson(manifest: unknown): string | undefined {
  if (typeof manifest !== "object" || manifest === null) return undefined;
  const m = manifest as { license?: unknown; licenses?: unknown };
  const single = licenseEntry(m.license);
  if (single !== undefined) return single;
  const list = Array.isArray(m.licenses) ? m.licenses : m.licenses !== undefined ? [m.licenses] : [];
  return joinAlternatives(list.map(licenseEntry).filter((l): l is string => l !== undefined));
}

/**
 * The licence Python core metadata declares, best source first: `License-Expression` (PEP 639, an
 * SPDX expression by definition), then a short `License` field (many projects paste the whole
 * licence text there, which is no identifier), then `License ::` trove classifiers (several are
 * alternatives: a project lists each licence it may be used under).
 */
export function licenseFromPythonMetadata(metadata: string): string | undefined {
  const headers = parseMetadataHeaders(metadata);
  const expression = headers.get("license-expression")?.[0]?.trim();
  if (expression) return expression;
  const license = headers.get("license")?.[0]?.trim();
  if (license && !license.includes("\n") && license.length <= 80 && !/^UNKNOWN$/i.test(license))
    return license;
  const classifiers = (headers.get("classifier") ?? [])
    .map((c) => c.trim())
    .filter((c) => c.startsWith("License ::"))
    .map((c) => {
      const name = c.split("::").at(-1)!.trim();
      return CLASSIFIER_IDS[name] ?? name;
    })
    // "OSI Approved" alone says nothing about which licence.
    .filter((name) => name !== "OSI Approved");
  return joinAlternatives(classifiers);
}

/** RFC 822-style headers up to the first blank line; continuation lines are folded into the value. */
function parseMetadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (/^[ \t]/.test(line) && last) {
      last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = values;
  }
  return headers;
}

function licenseEntry(value: unknown): string | undefined {
  const text = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : value;
  return typeof text === "string" && text.trim() !== "" ? text.trim() : undefined;
}

/** `A OR B`, with compound SPDX members parenthesised so the OR stays the outermost operator. */
function joinAlternatives(items: string[]): string | undefined {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0];
  return unique
    .map((item) => (parseSpdx(item) && /\s(AND|OR)\s/i.test(item) ? `(${item})` : item))
    .join(" OR ");
}
