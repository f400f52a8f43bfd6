/**
 * TOML lockfiles (poetry.lock, uv.lock) read with smol-toml. Both list packages as an array of
 * tables, so the n-th `[[package]]` header in the text is the n-th package: that gives the line of
 * each entry without a position-tracking parser.
 */
import { parse, TomlError } from "smol-toml";
import { lockfileError } from "./common";

export interface LocatedToml {
  value: Record<string, unknown>;
  /** One-based line of each `[[package]]` header, in order. */
  packageLines: number[];
}

/** Parses TOML text; a syntax error throws SLUICE_E_LOCKFILE located in `file`. */
export function parseLocatedToml(text: string, file: string): LocatedToml {
  let value: Record<string, unknown>;
  try {
    value = parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      throw lockfileError(file, `invalid TOML: ${err.message.split("\n")[0]}`, err.line, err.column);
    }
    throw lockfileError(file, `invalid TOML: ${(err as Error).message}`, 1, 1);
  }
  const packageLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*\[\[\s*package\s*\]\]/.test(line)) packageLines.push(i + 1);
  });
  return { value, packageLines };
}
