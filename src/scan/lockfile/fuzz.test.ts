/**
 * Damaged lockfiles: every golden fixture lockfile is truncated at many offsets and edited at
 * random (seeded, so a failure replays from its seed). A parser may accept the damaged text or
 * reject it, but only with SLUICE_E_LOCKFILE located in that file: never another exception.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { findLockfiles } from "./index";
import { lockfileParsers } from "./parsers";
import { readPackageJson } from "./manifest";
import { readPipfile, readPyproject } from "./manifest-python";
import type { LockfileContext, LockfileFormat } from "./types";
import {
  caseFailure,
  eachSeed,
  evenTruncations,
  insertChar,
  mutate,
  removeUpTo,
  replaceChar,
  swapLines,
  withinBudget,
} from "../../../test/helpers/fuzz";

const lockfileFixtures = fileURLToPath(new URL("../../../test/fixtures/scan/lockfiles/", import.meta.url));
// Characters that change the structure of JSON, YAML, TOML and yarn's format.
const alphabet = [
  '"',
  "'",
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "\n",
  " ",
  "  ",
  "-",
  "@",
  "#",
  "=",
  "\\",
  "(",
  ")",
  "0",
  "\u00e9",
];

const edits = [removeUpTo(12), insertChar, replaceChar, swapLines];

interface Case {
  name: string;
  file: string;
  format: LockfileFormat;
  text: string;
  context: LockfileContext;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  for (const dir of readdirSync(lockfileFixtures)) {
    const root = path.join(lockfileFixtures, dir);
    for (const ref of await findLockfiles(root)) {
      const read = (rel: string): string | undefined => {
        try {
          return readFileSync(path.join(root, path.dirname(ref.path), rel), "utf8");
        } catch {
          return undefined;
        }
      };
      const manifestText = read(
        ref.format === "pipfile-lock"
          ? "Pipfile"
          : /poetry|uv/.test(ref.format)
            ? "pyproject.toml"
            : "package.json",
      );
      const manifest =
        manifestText === undefined
          ? undefined
          : ref.format === "pipfile-lock"
            ? readPipfile(manifestText)
            : /poetry|uv/.test(ref.format)
              ? readPyproject(manifestText)
              : readPackageJson(manifestText);
      out.push({
        name: `${dir}/${ref.path}`,
        file: ref.path,
        format: ref.format,
        text: read(path.basename(ref.path))!,
        context: { manifest, readFile: read },
      });
    }
  }
  return out;
}

/** Parses and fails the test on anything but a graph or a SLUICE_E_LOCKFILE located in the file. */
function attempt(c: Case, text: string, label: string): void {
  try {
    const graph = lockfileParsers[c.format](text, c.file, c.context);
    expect(graph.packages, label).toBeInstanceOf(Map);
  } catch (err) {
    if (!isSluiceError(err)) throw caseFailure(label, err);
    expect(err.code, label).toBe("SLUICE_E_LOCKFILE");
    expect(err.location?.file, label).toBe(c.file);
  }
}

const all = await cases();

describe("damaged lockfiles", () => {
  it.each(all.map((c) => [c.name, c] as const))("%s: truncated anywhere", (_name, c) => {
    for (const [at, prefix] of evenTruncations(c.text, 60)) attempt(c, prefix, `truncated at ${at}`);
  });

  it.each(all.map((c) => [c.name, c] as const))("%s: random edits", (_name, c) => {
    withinBudget(20_000, "60 edited lockfiles", () =>
      eachSeed(60, (rnd, label) => attempt(c, mutate(c.text, rnd, alphabet, { edits }), label)),
    );
  });

  it("reports malformed JSON at its line and column", () => {
    const c = all.find((x) => x.format === "package-lock")!;
    try {
      lockfileParsers["package-lock"](
        '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": "x" ]\n',
        "package-lock.json",
      );
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_LOCKFILE");
      expect(isSluiceError(err) && err.location).toEqual({ file: "package-lock.json", line: 4, column: 23 });
    }
    expect(c).toBeDefined();
  });
});
