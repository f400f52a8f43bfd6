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
import { findLockfiles, lockfileParsers } from "./index";
import { readPackageJson, readPipfile, readPyproject } from "./manifest";
import type { LockfileContext, LockfileFormat } from "./types";

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

// mulberry32
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, rnd: () => number): string {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let out = text;
  for (let i = 1 + pick(4); i > 0; i--) {
    const at = pick(out.length + 1);
    const char = alphabet[pick(alphabet.length)]!;
    switch (pick(4)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + pick(12));
        break;
      case 1:
        out = out.slice(0, at) + char + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + char + out.slice(at + 1);
        break;
      default: {
        const lines = out.split("\n");
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        out = lines.join("\n");
      }
    }
  }
  return out;
}

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
    if (!isSluiceError(err)) throw new Error(`${label}: ${String(err)}`, { cause: err });
    expect(err.code, label).toBe("SLUICE_E_LOCKFILE");
    expect(err.location?.file, label).toBe(c.file);
  }
}

const all = await cases();

describe("damaged lockfiles", () => {
  it.each(all.map((c) => [c.name, c] as const))("%s: truncated anywhere", (_name, c) => {
    const steps = 60;
    for (let i = 0; i <= steps; i++) {
      const at = Math.floor((c.text.length * i) / steps);
      attempt(c, c.text.slice(0, at), `truncated at ${at}`);
    }
  });

  it.each(all.map((c) => [c.name, c] as const))("%s: random edits", (_name, c) => {
    const started = Date.now();
    for (let seed = 1; seed <= 60; seed++) attempt(c, mutate(c.text, random(seed)), `seed ${seed}`);
    expect(Date.now() - started).toBeLessThan(20_000);
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
