/**
 * yarn.lock from Yarn 1 ("# yarn lockfile v1"): a custom indented format, not YAML. Each entry is
 * introduced by its descriptors ("ms@2.1.3, ms@^2.1.1:") and holds `version`, `resolved`,
 * `integrity` and `dependencies` / `optionalDependencies` blocks naming other descriptors.
 * Direct dependencies and dev flags come from package.json, which the lockfile does not record.
 */
import type { DependencyGraph } from "../types";
import { lockfileError, splitAtVersion } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import type { LockfileContext } from "./types";

interface ClassicEntry {
  descriptors: string[];
  line: number;
  fields: Map<string, string>;
  blocks: Map<string, Map<string, string>>;
}

/** Reads one quoted ("…" with JSON escapes) or bare token starting at `at`. */
function readToken(
  text: string,
  at: number,
  file: string,
  line: number,
  base = 0,
): { value: string; end: number } {
  if (text[at] !== '"') {
    let end = at;
    while (end < text.length && !/[\s,]/.test(text[end]!) && !(text[end] === ":" && end === text.length - 1))
      end++;
    return { value: text.slice(at, end), end };
  }
  let end = at + 1;
  while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
  if (end >= text.length) throw lockfileError(file, "unterminated string", line, base + at + 1);
  try {
    return { value: JSON.parse(text.slice(at, end + 1)) as string, end: end + 1 };
  } catch {
    throw lockfileError(file, "bad escape in string", line, base + at + 1);
  }
}

/** Splits the lockfile into entries; any line that fits no rule is a located error. */
export function readClassicEntries(text: string, file: string): ClassicEntry[] {
  const out: ClassicEntry[] = [];
  let entry: ClassicEntry | undefined;
  let block: Map<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const indent = raw.length - raw.trimStart().length;
    const body = trimmed;
    if (indent === 0) {
      if (!body.endsWith(":")) throw lockfileError(file, "expected an entry header ending in ':'", lineNo, 1);
      const head = body.slice(0, -1);
      const descriptors: string[] = [];
      for (let at = 0; at < head.length;) {
        const token = readToken(head, at, file, lineNo);
        if (token.value === "") throw lockfileError(file, "empty descriptor", lineNo, at + 1);
        descriptors.push(token.value);
        at = token.end;
        while (at < head.length && (head[at] === "," || head[at] === " ")) at++;
      }
      entry = { descriptors, line: lineNo, fields: new Map(), blocks: new Map() };
      block = undefined;
      out.push(entry);
      continue;
    }
    if (!entry) throw lockfileError(file, "a property outside any entry", lineNo, indent + 1);
    const key = readToken(body, 0, file, lineNo, indent);
    const rest = body.slice(key.end).trim();
    const valueAt = indent + body.length - rest.length;
    const value = (): string =>
      rest.startsWith('"') ? readToken(rest, 0, file, lineNo, valueAt).value : rest;
    if (indent === 2) {
      if (rest === ":" || (rest === "" && body.endsWith(":"))) {
        block = new Map();
        entry.blocks.set(key.value.replace(/:$/, ""), block);
      } else {
        block = undefined;
        entry.fields.set(key.value, value());
      }
    } else if (indent === 4 && block) {
      block.set(key.value, value());
    } else {
      throw lockfileError(file, `unexpected indentation (${indent} spaces)`, lineNo, 1);
    }
  }
  return out;
}

/** The package an entry installs: an alias descriptor (`x@npm:real@^1`) names the real package. */
function packageName(descriptor: string): string | undefined {
  const split = splitAtVersion(descriptor);
  if (!split) return undefined;
  return split.version.startsWith("npm:")
    ? (splitAtVersion(split.version.slice(4))?.name ?? split.name)
    : split.name;
}

/** Parses a Yarn 1 yarn.lock; package.json (in the context) supplies direct dependencies. */
export function parseYarnClassic(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const manifest = context.manifest;
  const builder = new GraphBuilder("npm", file, {
    name: manifest?.name ?? "",
    version: manifest?.version ?? "",
  });
  const byDescriptor = new Map<string, string>();
  const parsed = readClassicEntries(text, file);
  for (const entry of parsed) {
    const name = packageName(entry.descriptors[0]!);
    const version = entry.fields.get("version");
    if (!name || !version)
      throw lockfileError(file, "entry without a package name or version", entry.line, 1);
    const integrity = entry.fields.get("integrity");
    const id = builder.add({
      name,
      version,
      line: entry.line,
      integrity: integrity ? [integrity] : undefined,
      resolved: entry.fields.get("resolved"),
    });
    for (const d of entry.descriptors) byDescriptor.set(d, id);
  }
  for (const entry of parsed) {
    const from = byDescriptor.get(entry.descriptors[0]!)!;
    for (const [field, optional] of [
      ["dependencies", false],
      ["optionalDependencies", true],
    ] as const) {
      for (const [name, range] of entry.blocks.get(field) ?? []) {
        const to = byDescriptor.get(`${name}@${range}`);
        if (to) builder.edge(from, to, optional);
      }
    }
  }
  if (manifest) {
    const kinds: [string[], RootKind][] = [
      [manifest.prod, "prod"],
      [manifest.dev, "dev"],
      [manifest.optional, "optional"],
      [manifest.peer, "peer"],
    ];
    for (const [names, kind] of kinds) {
      for (const name of names) {
        const id = byDescriptor.get(`${name}@${manifest.ranges?.get(name) ?? ""}`);
        if (id) builder.direct(id, kind);
      }
    }
  }
  return builder.build();
}
