/**
 * pip requirements files. Only exact pins (`name==1.2.3`, `===`) name a version an advisory can
 * be matched against; ranges, URLs, paths and editable installs become warnings with their line.
 * `-r` includes are read through the context (I/O stays with the caller); pip-compile's
 * `# via` annotations give edges and tell transitive pins from the project's own.
 */
import path from "node:path";
import type { DependencyGraph } from "../types";
import { lockfileError } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import type { LockfileContext } from "./types";

interface Pin {
  /** The requirements file that pins it (an include's kind follows its own name). */
  file: string;
  name: string;
  version: string;
  line?: number;
  hashes: string[];
  via: string[];
}

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;
// Files whose name says they are for development (requirements-dev.txt, test-requirements.txt…).
const DEV_FILE = /(^|[-_./])(dev|develop|test|tests|testing|lint|docs)([-_./]|$)/i;

/** Parses a requirements file (and its `-r` includes) into a graph of its exact pins. */
export function parseRequirements(
  text: string,
  file: string,
  context: LockfileContext = {},
): DependencyGraph {
  const builder = new GraphBuilder("PyPI", file, { name: context.manifest?.name ?? "", version: "" });
  const pins: Pin[] = [];
  readFile(text, file, "", context, builder, pins, new Set([file]), true);

  const ids = new Map<string, string[]>();
  for (const pin of pins) {
    const id = builder.add({
      name: pin.name,
      version: pin.version,
      line: pin.line,
      integrity: pin.hashes.length ? pin.hashes : undefined,
    });
    const key = builder.idOf(pin.name, "");
    ids.set(key, [...(ids.get(key) ?? []), id]);
  }
  for (const pin of pins) {
    const kind: RootKind = DEV_FILE.test(path.posix.basename(pin.file)) ? "dev" : "prod";
    const id = builder.idOf(pin.name, pin.version);
    const parents = pin.via.filter((v) => !v.startsWith("-"));
    for (const parent of parents)
      for (const from of ids.get(builder.idOf(parent, "")) ?? []) builder.edge(from, id);
    // pip-compile writes "# via -r requirements.in" for what the project asked for itself.
    if (pin.via.length === 0 || pin.via.some((v) => v.startsWith("-r") || v.startsWith("-c")))
      builder.direct(id, kind);
  }
  return builder.build();
}

/** Joins backslash continuations; returns logical lines with their first physical line. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const continued = /\\$/.test(raw);
    const part = continued ? raw.slice(0, -1) : raw;
    if (current) current.text += " " + part;
    else current = { text: part, line: i + 1 };
    if (!continued) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) out.push(current);
  return out;
}

function readFile(
  text: string,
  file: string,
  dir: string,
  context: LockfileContext,
  builder: GraphBuilder,
  pins: Pin[],
  seen: Set<string>,
  top: boolean,
): void {
  const where = (line: number): string => (top ? "" : `${file}:${line}: `);
  let last: Pin | undefined;
  let inVia = false;
  for (const { text: logical, line } of logicalLines(text)) {
    const trimmed = logical.trim();
    if (trimmed.startsWith("#")) {
      const via = /^#\s*via\b\s*(.*)$/.exec(trimmed);
      if (via && last) {
        inVia = true;
        if (via[1]) last.via.push(via[1].trim());
      } else if (inVia && last && /^#\s{2,}\S/.test(trimmed)) {
        last.via.push(trimmed.replace(/^#\s*/, ""));
      } else inVia = false;
      continue;
    }
    inVia = false;
    const body = trimmed.replace(/(^|\s)#.*$/, "").trim();
    if (body === "") continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)$/.exec(body);
    if (include) {
      const target = path.posix.join(dir, include[1]!);
      if (seen.has(target)) continue;
      seen.add(target);
      const included = context.readFile?.(target);
      if (included === undefined)
        builder.warn(`${where(line)}included file ${include[1]} was not found`, top ? line : undefined);
      else readFile(included, target, path.posix.dirname(target), context, builder, pins, seen, false);
      continue;
    }
    if (/^(-e|--editable)\b/.test(body)) {
      builder.warn(`${where(line)}editable requirement is not pinned: ${body}`, top ? line : undefined);
      continue;
    }
    if (body.startsWith("-")) continue; // index URLs, constraints, pip options
    last = readRequirement(body, file, line, top, builder);
    if (last) pins.push(last);
  }
}

function readRequirement(
  body: string,
  file: string,
  line: number,
  top: boolean,
  builder: GraphBuilder,
): Pin | undefined {
  const hashes: string[] = [];
  const spec = body
    .replace(/--hash[=\s]+(\S+)/g, (_m, hash: string) => (hashes.push(hash), ""))
    .replace(/\s--?[a-z][\w-]*(?:[=\s]+\S+)?/g, "")
    .trim();
  const where = top ? "" : `${file}:${line}: `;
  const m = REQUIREMENT.exec(spec);
  if (!m) {
    if (/^(\.{0,2}\/|[a-z]+\+?[a-z]*:\/\/)/i.test(spec)) {
      builder.warn(`${where}a path or URL requirement is not pinned: ${spec}`, top ? line : undefined);
      return undefined;
    }
    throw lockfileError(file, `invalid requirement: ${spec}`, line, 1);
  }
  const [, name, , rest] = m;
  const version = (rest ?? "").split(";")[0]!.trim();
  const exact = /^===?\s*([^\s,*;]+)$/.exec(version);
  if (!exact) {
    const what = version.startsWith("@")
      ? "a URL requirement"
      : version === ""
        ? "no version"
        : `"${version}"`;
    builder.warn(
      `${where}${name} is not pinned (${what}); it cannot be matched against advisories`,
      top ? line : undefined,
    );
    return undefined;
  }
  return { file, name: name!, version: exact[1]!, line: top ? line : undefined, hashes, via: [] };
}
