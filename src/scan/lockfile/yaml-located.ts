/**
 * YAML lockfiles (pnpm-lock.yaml, yarn berry's yarn.lock) read with the `yaml` package, keeping the
 * line of every key in chosen top-level maps. The failsafe schema keeps every scalar a string, so
 * a version such as `1.10` is never turned into the number 1.1.
 */
import { LineCounter, parseDocument, isMap, isScalar } from "yaml";
import { lockfileError } from "./common";

export interface LocatedYaml {
  value: unknown;
  /** Key → one-based line, for the keys of the top-level map `section` ("" for the root map). */
  keyLines(section: string): Map<string, number>;
}

/** Parses YAML text; a syntax error throws SLUICE_E_LOCKFILE located in `file`. */
export function parseLocatedYaml(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: "failsafe",
    uniqueKeys: false,
    prettyErrors: false,
  });
  const error = doc.errors[0];
  if (error) {
    const at = lineCounter.linePos(error.pos[0]);
    throw lockfileError(file, `invalid YAML: ${error.message.split("\n")[0]}`, at.line, at.col);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw lockfileError(file, `invalid YAML: ${(err as Error).message}`, 1, 1);
  }
  return {
    value,
    keyLines(section) {
      const lines = new Map<string, number>();
      let map: unknown = doc.contents;
      if (section !== "") map = isMap(map) ? map.get(section, true) : undefined;
      if (!isMap(map)) return lines;
      for (const pair of map.items) {
        if (isScalar(pair.key) && pair.key.range) {
          lines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
        }
      }
      return lines;
    },
  };
}
