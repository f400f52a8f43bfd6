/**
 * Kubernetes names and labels for Sluice's objects, shared by the kubernetes target and router. Pure.
 * A version is free text in Sluice (`1.4.0+build.7`) but object names are DNS-1123 labels and label
 * values have their own alphabet, so both are sanitised; the exact version rides in an annotation.
 */
import { createHash } from "node:crypto";

/** `app.kubernetes.io/name`: the service every version belongs to. */
export const NAME_LABEL = "app.kubernetes.io/name";
/** Marks objects Sluice manages, so `recover` never adopts someone else's Deployment. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "sluice";
/** The (sanitised) version, on Deployments, their Pods and the router's Services; selectors use it. */
export const VERSION_LABEL = "sluice.dev/version";
/** The exact version, on the same objects (labels cannot hold every version string). */
export const VERSION_ANNOTATION = "sluice.dev/version";

const MAX_NAME = 63;

/**
 * A DNS-1123 label (lowercase alphanumerics and `-`, starts with a letter, at most 63 characters)
 * for `<service>-<version>`. Distinct inputs that sanitise alike (`v1.0` and `v1_0`, or long ones cut
 * short) get a hash suffix of the original, so two versions never share a Deployment.
 */
export function objectName(service: string, version: string): string {
  const raw = `${service}-${version}`;
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  if (name === "") name = "v";
  if (name === raw && name.length <= MAX_NAME) return name;
  const hash = shortHash(raw);
  return `${name.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * A label value for a version: at most 63 of `[A-Za-z0-9_.-]`, alphanumeric at both ends. Versions
 * that already qualify stay as they are (the common case), others get a hash suffix.
 */
export function versionLabelValue(version: string): string {
  if (/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/.test(version)) return version;
  const hash = shortHash(version);
  const cleaned = version
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, MAX_NAME - hash.length - 1)
    .replace(/[^A-Za-z0-9]+$/, "");
  return cleaned === "" ? hash : `${cleaned}_${hash}`;
}

/** The labels that select one version's Pods (Deployment selector, router Service selector). */
export function versionSelector(service: string, version: string): Record<string, string> {
  return { [NAME_LABEL]: service, [VERSION_LABEL]: versionLabelValue(version) };
}

/** The labels on every object Sluice creates for one version. */
export function versionLabels(service: string, version: string): Record<string, string> {
  return { ...versionSelector(service, version), [MANAGED_BY_LABEL]: MANAGED_BY };
}

/** A label selector string (`k=v,k=v`) for list calls. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The label selector for every object of a service that Sluice manages. */
export function serviceSelector(service: string): string {
  return labelSelector({ [NAME_LABEL]: service, [MANAGED_BY_LABEL]: MANAGED_BY });
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
