/**
 * CycloneDX 1.6 JSON from dependency graphs, built with the CycloneDX project's own models and JSON
 * serializer (@cyclonedx/cyclonedx-library) so the document follows the specification as its
 * maintainers read it — licence choice rules, dependency-graph normalisation, ordering.
 */
// Subpath imports on purpose: the package's main entry also loads its validators, whose resource
// paths use __dirname and so break inside Sluice's ESM bundle.
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import * as SPDX from "@cyclonedx/cyclonedx-library/SPDX";
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import { createError } from "../../core/errors";
import type { NormalizedLicense } from "../license/normalize";
import type { DependencyGraph } from "../types";
import { compareRoot, defaultCollationIsRoot, isPrintableAscii } from "../../core/collation";
import type { HashAlgorithm } from "./hashes";
import { buildInventory, type InventoryPackage, type InventoryProject } from "./inventory";
import { sluiceVersion } from "./tool";
import { uuidOf, type SbomMeta } from "./types";

const HASH_ALGORITHMS: Readonly<Record<HashAlgorithm, Enums.HashAlgorithm>> = {
  MD5: Enums.HashAlgorithm.MD5,
  "SHA-1": Enums.HashAlgorithm["SHA-1"],
  "SHA-256": Enums.HashAlgorithm["SHA-256"],
  "SHA-384": Enums.HashAlgorithm["SHA-384"],
  "SHA-512": Enums.HashAlgorithm["SHA-512"],
};

/**
 * The CycloneDX 1.6 JSON document (as a plain object) for `graphs`. Deterministic: same graphs and
 * meta, same document — lists are sorted, the clock and serial number come from `meta`.
 *
 * Scope follows the specification's definitions: runtime packages are `required`; packages only
 * needed to develop or test are `excluded` ("not reachable within a call graph at runtime") rather
 * than `optional` (which means "may be absent at runtime"); optional dependencies are `optional`.
 * Development packages also carry the registered `cdx:npm:package:development` property, as
 * cyclonedx-npm writes it.
 *
 * The lists come out in the library's order (its `sortLists`, which sorts with `localeCompare`).
 * When every reference is printable ASCII and the default collation is the root one, Sluice adds
 * components, dependencies and hashes already in that order and the library keeps it, which spares
 * the first `localeCompare`'s ICU set-up (see `collation.ts`); otherwise the library sorts.
 */
export function buildCycloneDx(graphs: DependencyGraph[], meta: SbomMeta): Record<string, unknown> {
  return build(graphs, meta, defaultCollationIsRoot());
}

/** The same document with every list sorted by the library itself: the reference for tests. */
export function buildCycloneDxSortedByLibrary(
  graphs: DependencyGraph[],
  meta: SbomMeta,
): Record<string, unknown> {
  return build(graphs, meta, false);
}

function build(graphs: DependencyGraph[], meta: SbomMeta, presort: boolean): Record<string, unknown> {
  const uuid = uuidOf(meta.serialNumber);
  if (uuid === undefined)
    throw createError("SLUICE_E_USAGE", `SBOM serial number is not a UUID: ${meta.serialNumber}`);
  const inventory = buildInventory(graphs, meta);
  const { root } = inventory;
  const taken = new Set(inventory.packages.map((p) => p.ref));
  const rootRef = root.purl !== undefined && !taken.has(root.purl) ? root.purl : `root:${root.name}`;
  taken.add(rootRef);
  // Other folders' projects: applications with their own direct dependencies, by purl when free.
  const subprojects = inventory.subprojects.map((project) => {
    const ref =
      project.purl !== undefined && !taken.has(project.purl) ? project.purl : `project:${project.dir}`;
    taken.add(ref);
    return { project, ref };
  });
  // Inventory lists are in code-unit order; the library's is the collation's.
  const presorted = presort && [...taken].every(isPrintableAscii);
  const order = (refs: string[]) => (presorted ? [...refs].sort(compareRoot) : refs);

  const components = new Map<string, Models.Component>();
  for (const pkg of inventory.packages) components.set(pkg.ref, toComponent(pkg, presorted));
  for (const pkg of inventory.packages) {
    const component = components.get(pkg.ref)!;
    for (const dep of order(pkg.dependencies)) component.dependencies.add(components.get(dep)!.bomRef);
  }
  const applications = subprojects.map(({ project, ref }) => {
    const component = application(project, ref);
    for (const dep of order(project.direct)) component.dependencies.add(components.get(dep)!.bomRef);
    return [ref, component] as const;
  });
  const rootComponent = application(root, rootRef);
  for (const ref of order(inventory.direct)) rootComponent.dependencies.add(components.get(ref)!.bomRef);

  const tools = new Models.Tools();
  tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "sluice", {
      version: meta.toolVersion ?? sluiceVersion(),
    }),
  );
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${uuid}`,
    metadata: new Models.Metadata({ timestamp: meta.timestamp, tools, component: rootComponent }),
  });
  // The library keeps insertion order when it does not sort: add in its order (bom-ref first).
  const all = [...components.entries(), ...applications];
  if (presorted) all.sort(([a], [b]) => compareRoot(a, b));
  for (const [, component] of all) bom.components.add(component);

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const doc = JSON.parse(serializer.serialize(bom, { sortLists: !presorted })) as Record<string, unknown>;
  // The dependency graph lists the root first (the library sorts that list, not a Set it keeps).
  if (presorted && Array.isArray(doc.dependencies))
    (doc.dependencies as { ref: string }[]).sort((a, b) => compareRoot(a.ref, b.ref));
  return doc;
}

/** The root project, or another folder's project, as an application component. */
function application(project: InventoryProject, bomRef: string): Models.Component {
  const [name, group] = splitName(project.name);
  return new Models.Component(Enums.ComponentType.Application, name, {
    ...group,
    bomRef,
    ...(project.version ? { version: project.version } : {}),
    ...(project.purl !== undefined ? { purl: project.purl } : {}),
  });
}

function toComponent(pkg: InventoryPackage, presorted: boolean): Models.Component {
  const [name, group] = pkg.ecosystem === "npm" ? splitName(pkg.name) : ([pkg.name, {}] as const);
  const component = new Models.Component(Enums.ComponentType.Library, name, {
    ...group,
    bomRef: pkg.ref,
    version: pkg.version,
    purl: pkg.ref,
    scope: pkg.dev
      ? Enums.ComponentScope.Excluded
      : pkg.optional
        ? Enums.ComponentScope.Optional
        : Enums.ComponentScope.Required,
  });
  const hashes = pkg.hashes.map((h) => [HASH_ALGORITHMS[h.algorithm], h.hex] as const);
  if (presorted) hashes.sort(([a], [b]) => compareRoot(a, b));
  for (const [algorithm, hex] of hashes) component.hashes.set(algorithm, hex);
  const license = toLicense(pkg.license);
  if (license) component.licenses.add(license);
  if (pkg.download !== undefined) {
    component.externalReferences.add(
      new Models.ExternalReference(pkg.download, Enums.ExternalReferenceType.Distribution),
    );
  }
  if (pkg.dev && pkg.ecosystem === "npm")
    component.properties.add(new Models.Property("cdx:npm:package:development", "true"));
  return component;
}

/** `@scope/name` → name and `group: "@scope"`, as cyclonedx-npm records scoped packages. */
function splitName(full: string): [string, { group?: string }] {
  const slash = full.startsWith("@") ? full.indexOf("/") : -1;
  return slash > 0 ? [full.slice(slash + 1), { group: full.slice(0, slash) }] : [full, {}];
}

/**
 * One licence choice: a single listed id as `license.id`, a compound or `+`/`WITH` expression as
 * `expression`, anything else by name so the declared text is kept rather than guessed at.
 */
function toLicense(license: NormalizedLicense): Models.License | undefined {
  let choice: Models.License;
  if (license.status === "none") return undefined;
  if (license.status === "spdx" && SPDX.isSupportedSpdxId(license.expression)) {
    choice = new Models.SpdxLicense(license.expression);
  } else if (license.status === "spdx") {
    choice = new Models.LicenseExpression(license.expression!);
  } else {
    choice = new Models.NamedLicense(license.raw!);
  }
  choice.acknowledgement = Enums.LicenseAcknowledgement.Declared;
  return choice;
}
