/**
 * End to end: the lockfile fixtures (real npm/pnpm/yarn lockfiles pinning known-vulnerable
 * versions, and Python projects pinning Django 3.2.4, requests 2.25.1 and urllib3 1.26.4) scanned
 * against real OSV records. Each project's result is compared with
 * test/fixtures/scan/osv/expected/<project>.json (SLUICE_UPDATE_GOLDEN=1 rewrites them).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { loadOsvDatabase } from "./database";
import { scanDependencies } from "./scan";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/scan/", import.meta.url));
const dbPath = path.join(fixtures, "osv/db");
const expectedDir = path.join(fixtures, "osv/expected");
const projects = readdirSync(path.join(fixtures, "lockfiles")).sort();
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";
const clock = (): (() => number) => {
  let t = 1000;
  return () => (t += 5);
};

describe("scanDependencies golden results", () => {
  it.each(projects)("%s", async (name) => {
    const result = await scanDependencies({
      root: path.join(fixtures, "lockfiles", name),
      db: dbPath,
      now: clock(),
    });
    const file = path.join(expectedDir, `${name}.json`);
    if (update) {
      mkdirSync(expectedDir, { recursive: true });
      writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    }
    expect(existsSync(file), `${file} is missing (SLUICE_UPDATE_GOLDEN=1 writes it)`).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });
});

describe("scanDependencies", () => {
  it("reports a transitive package with its chain, fix, CVSS and entry line", async () => {
    const result = await scanDependencies({ root: path.join(fixtures, "lockfiles/npm-v3"), db: dbPath });
    const qs = result.findings.find((f) => f.package?.name === "qs")!;
    expect(qs).toMatchObject({
      ruleId: "GHSA-hrpp-h998-j3pp",
      severity: "high",
      file: "package-lock.json",
      line: 555,
      package: {
        version: "6.7.0",
        direct: false,
        path: ["express", "qs"],
        fixedIn: "6.7.3",
        advisories: ["GHSA-hrpp-h998-j3pp", "CVE-2022-24999"],
      },
      properties: { cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", cvssScore: 7.5 },
    });
    const bodyParser = result.findings.find((f) => f.package?.name === "body-parser")!;
    expect(bodyParser.properties).toMatchObject({ severitySource: "cvss_v4", cvssScore: 8.7 });
    const jwt = result.findings.find((f) => f.ruleId === "GHSA-8cf7-32gw-wr33")!;
    expect(jwt).toMatchObject({ severity: "medium", properties: { severitySource: "database" } });
    expect(new Set(result.findings.map((f) => f.fingerprint)).size).toBe(result.findings.length);
  });

  it("merges records that alias each other into one finding", async () => {
    const result = await scanDependencies({ root: path.join(fixtures, "lockfiles/poetry"), db: dbPath });
    const django = result.findings.filter((f) => f.package?.name === "django");
    expect(django).toHaveLength(1);
    expect(django[0]!.package!.advisories).toEqual([
      "GHSA-2gwj-7jmv-h26r",
      "PYSEC-2022-190",
      "CVE-2022-28346",
    ]);
    expect(django[0]!.severity).toBe("critical");
  });

  it("keeps fingerprints when the lockfile moves lines", async () => {
    const a = await scanDependencies({ root: path.join(fixtures, "lockfiles/npm-v1"), db: dbPath });
    const b = await scanDependencies({ root: path.join(fixtures, "lockfiles/npm-v3"), db: dbPath });
    expect(a.findings.map((f) => f.fingerprint)).toEqual(b.findings.map((f) => f.fingerprint));
    expect(a.findings.map((f) => f.line)).not.toEqual(b.findings.map((f) => f.line));
  });

  it("notes an ecosystem of the project that the database has no advisories for", async () => {
    const result = await scanDependencies({
      root: path.join(fixtures, "lockfiles/npm-v3"),
      db: path.join(dbPath, "PyPI"),
    });
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([
      expect.stringMatching(
        /^no advisories for ecosystem npm in the database \(.*PyPI\): npm packages were not checked/,
      ),
    ]);
  });

  it("notes a package.json or pyproject.toml that no lockfile pins", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "sluice-unlocked-"));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      write("package.json", JSON.stringify({ name: "app", dependencies: { express: "^4.0.0" } }));
      write("tools/package.json", JSON.stringify({ name: "tools" })); // nothing to lock
      write("py/pyproject.toml", '[project]\nname = "x"\ndependencies = ["django>=3"]\n');
      write("locked/pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "*"\n');
      write("locked/poetry.lock", readFileSync(path.join(fixtures, "lockfiles/poetry/poetry.lock"), "utf8"));
      write("fixtures/package.json", JSON.stringify({ dependencies: { a: "1" } }));
      const result = await scanDependencies({ root, db: dbPath, exclude: (f) => f.startsWith("fixtures/") });
      expect(result.notes).toEqual([
        expect.stringMatching(/^package\.json has no lockfile: its dependencies were not checked/),
        expect.stringMatching(/^py\/pyproject\.toml has no lockfile: its dependencies were not checked/),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("needs an advisory source", async () => {
    try {
      await scanDependencies({ root: path.join(fixtures, "lockfiles/npm-v3") });
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ADVISORY_DB");
    }
  });
});

describe("OSV API", () => {
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];
  beforeAll(async () => {
    const db = await loadOsvDatabase(dbPath);
    const records = new Map<string, unknown>();
    for (const dir of ["npm", "PyPI"]) {
      for (const f of readdirSync(path.join(dbPath, dir)))
        records.set(f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(dbPath, dir, f), "utf8")));
    }
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/v1/querybatch") {
          const { queries } = JSON.parse(body) as {
            queries: { package: { ecosystem: string; name: string } }[];
          };
          // The real API answers with ids only; filtering by version is not needed for this test.
          const results = queries.map((q) => ({
            vulns: db
              .lookup(q.package.ecosystem, q.package.name)
              .map((r) => ({ id: r.id, modified: r.modified })),
          }));
          res.end(JSON.stringify({ results }));
        } else {
          const id = decodeURIComponent(req.url!.replace("/v1/vulns/", ""));
          res.statusCode = records.has(id) ? 200 : 404;
          res.end(JSON.stringify(records.get(id) ?? { code: 5, message: "Bug not found." }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("finds the same advisories through querybatch as from the local database", async () => {
    const root = path.join(fixtures, "lockfiles/uv");
    const online = await scanDependencies({ root, online: { endpoint } });
    const local = await scanDependencies({ root, db: dbPath });
    expect(online.findings).toEqual(local.findings);
    expect(online.notes).toBeUndefined();
    expect(requests.filter((r) => r.startsWith("POST"))).toEqual(["POST /v1/querybatch"]);
  });

  it("reports nothing checked, not an all-clear, when it is the only source and unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await scanDependencies({
      root: path.join(fixtures, "lockfiles/poetry"),
      online: { endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2000 },
    });
    expect(result.findings).toEqual([]);
    expect(result.notRun).toMatch(
      /^no dependency was checked: OSV API at http:\/\/127\.0\.0\.1:\d+ is offline or unreachable \(.*\) and there is no local database; import one with `sluice db import .*\(scan\.deps\.db\)$/,
    );
  });

  it("is a non-fatal note when unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await scanDependencies({
      root: path.join(fixtures, "lockfiles/poetry"),
      db: dbPath,
      online: { endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2000 },
    });
    expect(result.findings).toHaveLength(4);
    expect(result.notes).toEqual([
      expect.stringMatching(
        /^OSV API at http:\/\/127\.0\.0\.1:\d+ is offline or unreachable \(.*ECONNREFUSED.*\); advisories came from the local database only$/,
      ),
    ]);
  });
});
