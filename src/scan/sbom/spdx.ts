/**
 * SPDX 2.3 JSON from dependency graphs. Written directly (no maintained JavaScript SPDX 2.3 model
 * exists on npm); the field choices follow the SPDX 2.3 specification's package clauses.
 */
import { createError } from "../../core/errors";
import { parseSpdx, spdxLeaves, type NormalizedLicense } from "../license/normalize";
import type { DependencyGraph } from "../types";
import type { HashAlgorithm } from "./hashes";
import { buildInventory, type InventoryPackage, type InventoryProject } from "./inventory";
import { sluiceVersion } from "./tool";
import { uuidOf, type SbomMeta } from "./types";

const CHECKSUM_ALGORITHMS: Readonly<Record<HashAlgorithm, string>> = {
  MD5: "MD5",
  "SHA-1": "SHA1",
  "SHA-256": "SHA256",
  "SHA-384": "SHA384",
  "SHA-512": "SHA512",
};

const ROOT_ID = "SPDXRef-Root";

interface Relationship {
  spdxElementId: string;
  relationshipType: "DESCRIBES" | "DEPENDS_ON" | "DEV_DEPENDENCY_OF" | "OPTIONAL_DEPENDENCY_OF";
  relatedSpdxElement: string;
}

interface ExtractedLicense {
  licenseId: string;
  name: string;
  extractedText: string;
  comment?: string;
}

/**
 * The SPDX 2.3 JSON document (a plain object) for `graphs`. Deterministic like buildCycloneDx.
 *
 * `licenseDeclared` is what the package declares; `licenseConcluded` is NOASSERTION because
 * concluding a licence is a reviewer's act (SPDX 2.3 §7.13) that Sluice does not perform. Declared
 * text that is no SPDX expression becomes a `LicenseRef-` with the text kept in
 * `hasExtractedLicensingInfos`. The root's development and optional dependencies are related with
 * DEV_DEPENDENCY_OF / OPTIONAL_DEPENDENCY_OF, everything else with DEPENDS_ON.
 */
export function buildSpdx(graphs: DependencyGraph[], meta: SbomMeta): Record<string, unknown> {
  const uuid = uuidOf(meta.serialNumber);
  if (uuid === undefined)
    throw createError("SLUICE_E_USAGE", `SBOM serial number is not a UUID: ${meta.serialNumber}`);
  const inventory = buildInventory(graphs, meta);
  const ids = assignIds(inventory.packages);
  const licenses = new LicenseRefs();
  const { root } = inventory;

  const projectIds = assignProjectIds(inventory.subprojects.map((p) => p.dir));
  const packages: Record<string, unknown>[] = [
    application(root, ROOT_ID),
    ...inventory.subprojects.map((project) => application(project, projectIds.get(project.dir)!)),
    ...inventory.packages.map((pkg) => toPackage(pkg, ids.get(pkg.ref)!, licenses)),
  ];

  // The document describes the root and each other folder's project; each depends on its own direct
  // dependencies only.
  const relationships: Relationship[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: ROOT_ID },
    ...inventory.subprojects.map((p) => ({
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES" as const,
      relatedSpdxElement: projectIds.get(p.dir)!,
    })),
  ];
  const byRef = new Map(inventory.packages.map((p) => [p.ref, p]));
  const relateDirect = (owner: string, refs: string[]) => {
    for (const ref of refs) {
      const pkg = byRef.get(ref)!;
      const id = ids.get(ref)!;
      if (pkg.dev)
        relationships.push({
          spdxElementId: id,
          relationshipType: "DEV_DEPENDENCY_OF",
          relatedSpdxElement: owner,
        });
      else if (pkg.optional)
        relationships.push({
          spdxElementId: id,
          relationshipType: "OPTIONAL_DEPENDENCY_OF",
          relatedSpdxElement: owner,
        });
      else
        relationships.push({ spdxElementId: owner, relationshipType: "DEPENDS_ON", relatedSpdxElement: id });
    }
  };
  relateDirect(ROOT_ID, inventory.direct);
  for (const project of inventory.subprojects) relateDirect(projectIds.get(project.dir)!, project.direct);
  for (const pkg of inventory.packages) {
    for (const dep of pkg.dependencies) {
      relationships.push({
        spdxElementId: ids.get(pkg.ref)!,
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: ids.get(dep)!,
      });
    }
  }

  const name = root.version ? `${root.name}@${root.version}` : root.name;
  const extracted = licenses.list();
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name,
    documentNamespace: meta.namespace ?? `https://spdx.org/spdxdocs/${idPart(name)}-${uuid}`,
    creationInfo: {
      // SPDX wants whole seconds: YYYY-MM-DDThh:mm:ssZ.
      created: meta.timestamp.toISOString().replace(/\.\d{3}Z$/, "Z"),
      creators: [`Tool: sluice-${meta.toolVersion ?? sluiceVersion()}`],
    },
    packages,
    relationships,
    ...(extracted.length > 0 ? { hasExtractedLicensingInfos: extracted } : {}),
  };
}

/** The root project or another folder's project: what the document describes. */
function application(project: InventoryProject, id: string): Record<string, unknown> {
  return {
    name: project.name,
    SPDXID: id,
    ...(project.version ? { versionInfo: project.version } : {}),
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    primaryPackagePurpose: "APPLICATION",
    ...(project.purl !== undefined ? { externalRefs: [purlRef(project.purl)] } : {}),
  };
}

/** `SPDXRef-Project-<folder>`: folders are unique, but sanitising may make two meet. */
function assignProjectIds(dirs: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const dir of dirs) {
    const base = `SPDXRef-Project-${idPart(dir)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(dir, id);
  }
  return ids;
}

function toPackage(pkg: InventoryPackage, id: string, licenses: LicenseRefs): Record<string, unknown> {
  return {
    name: pkg.name,
    SPDXID: id,
    versionInfo: pkg.version,
    downloadLocation: pkg.download ?? "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: licenses.declared(pkg.license),
    copyrightText: "NOASSERTION",
    primaryPackagePurpose: "LIBRARY",
    ...(pkg.hashes.length > 0
      ? {
          checksums: pkg.hashes.map((h) => ({
            algorithm: CHECKSUM_ALGORITHMS[h.algorithm],
            checksumValue: h.hex,
          })),
        }
      : {}),
    externalRefs: [purlRef(pkg.ref)],
  };
}

function purlRef(purl: string): Record<string, string> {
  return { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl };
}

/** SPDX ids allow letters, digits, `.` and `-`; sanitising can make two names meet, hence the counter. */
function assignIds(packages: InventoryPackage[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>([ROOT_ID]);
  for (const pkg of packages) {
    const base = `SPDXRef-Package-${pkg.ecosystem}-${idPart(pkg.name)}-${idPart(pkg.version)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(pkg.ref, id);
  }
  return ids;
}

function idPart(text: string): string {
  return text.replace(/^@/, "").replace(/[^A-Za-z0-9.-]+/g, "-");
}

/** Declared licences as SPDX expressions, minting a LicenseRef for each distinct non-SPDX text. */
class LicenseRefs {
  readonly #byText = new Map<string, ExtractedLicense>();
  readonly #used = new Set<string>();

  declared(license: NormalizedLicense): string {
    switch (license.status) {
      case "none":
        return "NOASSERTION";
      case "spdx":
        for (const leaf of spdxLeaves(parseSpdx(license.expression!)!.ast)) {
          if (leaf.license.startsWith("LicenseRef-")) this.#declareRef(leaf.license);
        }
        return license.expression!;
      default:
        return this.#mint(license);
    }
  }

  list(): ExtractedLicense[] {
    return [...this.#byText.values()].sort((a, b) => (a.licenseId < b.licenseId ? -1 : 1));
  }

  #declareRef(id: string): void {
    if (this.#used.has(id)) return;
    this.#used.add(id);
    this.#byText.set(`ref:${id}`, {
      licenseId: id,
      name: id,
      extractedText: `Declared by the package as ${id}; the licence text is not in the lockfile.`,
    });
  }

  #mint(license: NormalizedLicense): string {
    const text = license.raw!;
    const known = this.#byText.get(`text:${text}`);
    if (known) return known.licenseId;
    const base = `LicenseRef-${idPart(text).replace(/^-+|-+$/g, "") || "custom"}`;
    let id = base;
    for (let n = 2; this.#used.has(id); n++) id = `${base}-${n}`;
    this.#used.add(id);
    const entry: ExtractedLicense = { licenseId: id, name: text, extractedText: text };
    if (license.status === "unlicensed") entry.comment = "UNLICENSED: proprietary, no licence granted.";
    if (license.status === "file") entry.comment = `The licence is in the package's file ${license.file}.`;
    if (license.status === "unknown" && license.hint?.length)
      entry.comment = `Not an SPDX expression; likely ${license.hint.join(" or ")}.`;
    this.#byText.set(`text:${text}`, entry);
    return id;
  }
}
