/**
 * Typed reads from a parsed TOML table that collect located problems instead of throwing, so that a
 * `.gitleaks.toml` with several mistakes reports all of them at once (DESIGN.md, style 4).
 */
import type { Problem, SourceLocation } from "../../../core/errors";
import { GoRegexError, translateGoRegex } from "./go-regex";
import type { JsPattern } from "./go-regex";
import type { TomlPath, TomlPosition } from "./toml-locate";

/** A parsed TOML table. */
export type Table = Record<string, unknown>;

/** Collects problems for one config file. */
export class ConfigChecker {
  readonly problems: Problem[] = [];

  constructor(
    readonly file: string,
    private readonly locator: (path: TomlPath) => TomlPosition,
  ) {}

  /** The location of a document path, as `file:line:column`. */
  at(path: TomlPath): SourceLocation {
    return { file: this.file, ...this.locator(path) };
  }

  problem(path: TomlPath, message: string): void {
    this.problems.push({
      code: "SLUICE_E_SECRETS_CONFIG",
      message: `${describe(path)}: ${message}`,
      location: this.at(path),
    });
  }

  table(parent: Table, key: string, path: TomlPath): Table | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (isTable(v)) return v;
    this.problem([...path, key], "must be a table");
    return undefined;
  }

  tables(parent: Table, key: string, path: TomlPath): Table[] {
    const v = parent[key];
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every(isTable)) return v;
    this.problem([...path, key], "must be an array of tables ([[" + key + "]])");
    return [];
  }

  string(parent: Table, key: string, path: TomlPath): string | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    this.problem([...path, key], "must be a string");
    return undefined;
  }

  strings(parent: Table, key: string, path: TomlPath): string[] {
    const v = parent[key];
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    this.problem([...path, key], "must be an array of strings");
    return [];
  }

  number(parent: Table, key: string, path: TomlPath, integer: boolean): number | undefined {
    let v = parent[key];
    if (v === undefined) return undefined;
    if (typeof v === "bigint") v = Number(v);
    if (typeof v === "number" && Number.isFinite(v) && v >= 0 && (!integer || Number.isInteger(v))) return v;
    this.problem(
      [...path, key],
      integer ? "must be a non-negative integer" : "must be a non-negative number",
    );
    return undefined;
  }

  boolean(parent: Table, key: string, path: TomlPath): boolean | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (typeof v === "boolean") return v;
    this.problem([...path, key], "must be true or false");
    return undefined;
  }

  /** Translate a Go regex; a problem (and undefined) when JavaScript cannot express it. */
  regex(pattern: string, path: TomlPath): JsPattern | undefined {
    try {
      return translateGoRegex(pattern);
    } catch (err) {
      if (!(err instanceof GoRegexError)) throw err;
      this.problem(path, `invalid regex at offset ${err.offset}: ${err.message}`);
      return undefined;
    }
  }

  regexes(parent: Table, key: string, path: TomlPath): JsPattern[] {
    const out: JsPattern[] = [];
    this.strings(parent, key, path).forEach((p, i) => {
      const js = this.regex(p, [...path, key, i]);
      if (js) out.push(js);
    });
    return out;
  }
}

/** A TOML table (not an array, date or scalar). */
export function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** `rules[3].allowlists[0].regexes[2]`: how a problem names the value it is about. */
export function describe(path: TomlPath): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out || "config";
}
