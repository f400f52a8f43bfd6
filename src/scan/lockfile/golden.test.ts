/**
 * Golden cases: every folder under test/fixtures/scan/lockfiles is a project (real lockfiles made by
 * npm 11, pnpm 8/9, Yarn 1.22 and 4; Python lockfiles written in Poetry 2, pipenv, uv and
 * pip-compile's formats) read with readDependencyGraphs and compared with its
 * `graphs.expected.json`. SLUICE_UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DependencyGraph } from "../types";
import { findLockfiles, readDependencyGraphs } from "./index";

const lockfileFixtures = fileURLToPath(new URL("../../../test/fixtures/scan/lockfiles/", import.meta.url));
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";
const cases = readdirSync(lockfileFixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** A graph as plain JSON (packages as an object keyed by id). */
export function graphJson(graph: DependencyGraph): unknown {
  return { ...graph, packages: Object.fromEntries(graph.packages) };
}

describe("lockfile golden fixtures", () => {
  it.each(cases)("%s", async (name) => {
    const dir = path.join(lockfileFixtures, name);
    const actual = {
      lockfiles: await findLockfiles(dir),
      graphs: (await readDependencyGraphs(dir)).map(graphJson),
    };
    const expectedFile = path.join(dir, "graphs.expected.json");
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    expect(existsSync(expectedFile), `${expectedFile} is missing (SLUICE_UPDATE_GOLDEN=1 writes it)`).toBe(
      true,
    );
    expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
  });
});
