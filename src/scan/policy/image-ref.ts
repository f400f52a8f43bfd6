/**
 * Container image references (`registry:5000/team/app:1.2@sha256:…`) split into parts, so rules can
 * ask "tagged?" and "pinned by digest?" without regular expressions that trip over registry ports.
 */

/** The parts of an image reference; absent parts are `""`. */
export interface ImageRef {
  /** As written, trimmed. */
  ref: string;
  /** Registry host (with port) when the first path component looks like one, else `""`. */
  registry: string;
  /** The repository path without registry, tag or digest (`library/nginx` stays `library/nginx`). */
  repository: string;
  tag: string;
  /** `sha256:…` when pinned by digest. */
  digest: string;
}

/** Splits `ref`; never throws, whatever the text. */
export function parseImageRef(ref: string): ImageRef {
  const text = ref.trim();
  let rest = text;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  // A colon before the last slash is a registry port (`host:5000/app`), not a tag.
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = "";
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  return { ref: text, registry, repository: rest, tag, digest };
}
