import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { importOsvArchive, loadOsvDatabase } from "./database";

const osv = fileURLToPath(new URL("../../../test/fixtures/scan/osv/", import.meta.url));
const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sluice-osv-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; file?: string; line?: number }> {
  try {
    await promise;
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    return { code: err.code, file: err.location?.file, line: err.location?.line };
  }
  throw new Error("expected a failure");
}

describe("OSV database", () => {
  it("loads a folder of records and indexes them by package (PyPI names normalised)", async () => {
    const db = await loadOsvDatabase(path.join(osv, "db"));
    expect(db.size).toBe(16);
    expect(
      db
        .lookup("npm", "lodash")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"]);
    expect(
      db
        .lookup("PyPI", "DJANGO")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["GHSA-2gwj-7jmv-h26r", "PYSEC-2022-190"]);
    expect(db.lookup("npm", "left-pad")).toEqual([]);
  });

  it("loads OSV's all.zip and keeps only the packages a filter accepts", async () => {
    const db = await loadOsvDatabase(path.join(osv, "PyPI-all.zip"), {
      filter: (_eco, name) => name === "urllib3",
    });
    expect(db.size).toBe(2);
    expect(
      db
        .lookup("PyPI", "urllib3")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["GHSA-q2q7-5pp4-w6pg", "GHSA-v845-jxx5-vc9f"]);
  });

  it("drops withdrawn records", async () => {
    const dir = temp();
    const record = JSON.parse(readFileSync(path.join(osv, "db/npm/GHSA-27h2-hvpr-p74q.json"), "utf8"));
    // GitHub withdrew GHSA-27h2-hvpr-p74q on 2023-01-27; the exported record then carries `withdrawn`.
    writeFileSync(path.join(dir, "w.json"), JSON.stringify({ ...record, withdrawn: "2023-01-27T21:16:08Z" }));
    copyFileSync(
      path.join(osv, "db/npm/GHSA-8cf7-32gw-wr33.json"),
      path.join(dir, "GHSA-8cf7-32gw-wr33.json"),
    );
    const db = await loadOsvDatabase(dir);
    expect(db.lookup("npm", "jsonwebtoken").map((r) => r.id)).toEqual(["GHSA-8cf7-32gw-wr33"]);
  });

  it("fails clearly on a missing, empty or damaged database", async () => {
    expect(await failure(loadOsvDatabase(path.join(osv, "no-such-db")))).toMatchObject({
      code: "SLUICE_E_ADVISORY_DB",
    });
    expect(await failure(loadOsvDatabase(temp()))).toMatchObject({ code: "SLUICE_E_ADVISORY_DB" });

    const dir = temp();
    writeFileSync(path.join(dir, "bad.json"), '{\n  "id": "X-1",\n  "affected": [\n');
    expect(await failure(loadOsvDatabase(dir))).toEqual({
      code: "SLUICE_E_ADVISORY_DB",
      file: path.join(dir, "bad.json"),
      line: 4,
    });
    writeFileSync(path.join(dir, "bad.json"), '{"affected": []}');
    expect(await failure(loadOsvDatabase(dir))).toMatchObject({
      code: "SLUICE_E_ADVISORY_DB",
      file: path.join(dir, "bad.json"),
    });

    const zip = readFileSync(path.join(osv, "PyPI-all.zip"));
    for (const cut of [10, zip.length / 2, zip.length - 10]) {
      const damaged = path.join(temp(), "all.zip");
      writeFileSync(damaged, zip.subarray(0, Math.floor(cut)));
      expect(await failure(loadOsvDatabase(damaged))).toMatchObject({ code: "SLUICE_E_ADVISORY_DB" });
    }
  });

  it("imports an all.zip into per-ecosystem folders that load back the same", async () => {
    const dest = temp();
    expect(await importOsvArchive(path.join(osv, "PyPI-all.zip"), dest)).toEqual({
      records: 6,
      ecosystems: { PyPI: 6 },
    });
    expect(readdirSync(path.join(dest, "PyPI")).sort()).toEqual(
      readdirSync(path.join(osv, "db/PyPI")).sort(),
    );
    const again = await importOsvArchive(path.join(osv, "db"), dest);
    expect(again).toEqual({ records: 16, ecosystems: { PyPI: 6, npm: 10 } });
    expect((await loadOsvDatabase(dest)).size).toBe(16);
    mkdirSync(path.join(dest, ".cache"));
    writeFileSync(path.join(dest, ".cache", "ignored.json"), "not json");
    expect((await loadOsvDatabase(dest)).size).toBe(16);
  });
});
