/** What an SBOM needs besides the dependency graphs. Injected so output is byte-for-byte reproducible. */
export interface SbomMeta {
  /** When the document was made (CycloneDX metadata.timestamp, SPDX creationInfo.created). */
  timestamp: Date;
  /**
   * A UUID naming this document, bare or as `urn:uuid:…`: the CycloneDX serialNumber and the tail
   * of the SPDX documentNamespace. Callers pass `crypto.randomUUID()`; tests pass a constant.
   */
  serialNumber: string;
  /** The project the SBOM describes. Default: the first graph's root (its package.json / pyproject). */
  component?: { name: string; version?: string };
  /** The Sluice version named as the producing tool. Default: the running build's. */
  toolVersion?: string;
  /** SPDX documentNamespace. Default: `https://spdx.org/spdxdocs/<name>-<version>-<uuid>`. */
  namespace?: string;
}

/** The bare lowercase UUID of a serial number, or undefined when it is not one. */
export function uuidOf(serialNumber: string): string | undefined {
  const match = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(
    serialNumber.trim(),
  );
  return match?.[1]?.toLowerCase();
}
