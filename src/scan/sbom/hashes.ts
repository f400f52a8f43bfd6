/**
 * Lockfile integrity → SBOM checksums. npm records Subresource Integrity (`sha512-<base64>`, maybe
 * several separated by spaces); pip, Poetry and uv record `sha256:<hex>`. SBOM formats want the
 * algorithm by name and the digest in lowercase hex.
 */

export type HashAlgorithm = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "MD5";

export interface PackageHash {
  algorithm: HashAlgorithm;
  /** Lowercase hexadecimal digest. */
  hex: string;
}

const ALGORITHMS: Readonly<Record<string, { name: HashAlgorithm; bytes: number }>> = {
  md5: { name: "MD5", bytes: 16 },
  sha1: { name: "SHA-1", bytes: 20 },
  sha256: { name: "SHA-256", bytes: 32 },
  sha384: { name: "SHA-384", bytes: 48 },
  sha512: { name: "SHA-512", bytes: 64 },
};

/**
 * Every well-formed digest in `integrity`, one per algorithm (the first wins), sorted by algorithm.
 * Malformed entries and digests of the wrong length are skipped: a bad checksum in an SBOM is
 * worse than none.
 */
export function parseIntegrity(integrity: readonly string[] | undefined): PackageHash[] {
  const found = new Map<HashAlgorithm, string>();
  for (const token of (integrity ?? []).flatMap((entry) => entry.trim().split(/\s+/))) {
    const hash = parseOne(token);
    if (hash && !found.has(hash.algorithm)) found.set(hash.algorithm, hash.hex);
  }
  return [...found]
    .map(([algorithm, hex]) => ({ algorithm, hex }))
    .sort((a, b) => (a.algorithm < b.algorithm ? -1 : 1));
}

function parseOne(token: string): PackageHash | undefined {
  const sri = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/i.exec(token);
  if (sri) return checked(sri[1]!, Buffer.from(sri[2]!, "base64").toString("hex"));
  const hex = /^(md5|sha1|sha256|sha384|sha512)[:=]([0-9a-f]+)$/i.exec(token);
  if (hex) return checked(hex[1]!, hex[2]!.toLowerCase());
  return undefined;
}

function checked(algorithm: string, hex: string): PackageHash | undefined {
  const known = ALGORITHMS[algorithm.toLowerCase()];
  return known && hex.length === known.bytes * 2 ? { algorithm: known.name, hex } : undefined;
}
