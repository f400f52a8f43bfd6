import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { coberturaParser, parseCobertura, parseConditionCoverage, type CoberturaCoverage } from "./cobertura";

// Same case format as golden.test.ts: the whole Report with line hits as an object (in line order),
// or `{ error: { code, location } }`. SLUICE_UPDATE_GOLDEN=1 rewrites the expected files.
const dir = fileURLToPath(new URL("../../../test/fixtures/reports/cobertura/", import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".xml"));
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";

function outcome(content: string, file: string): unknown {
  try {
    const report = coberturaParser.parse(content, file);
    for (const f of report.coverage!.files) {
      // Consumers walk lineHits in line order.
      const order = [...f.lineHits.keys()];
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    return JSON.parse(
      JSON.stringify(report, (_key, value: unknown) =>
        value instanceof Map ? Object.fromEntries(value) : value,
      ),
    );
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    return { error: { code: err.code, location: err.location } };
  }
}

function coverageOf(content: string, file = "coverage.xml"): CoberturaCoverage {
  return parseCobertura(content, file).coverage as CoberturaCoverage;
}

function errorOf(content: string): unknown {
  try {
    parseCobertura(content, "coverage.xml");
  } catch (err) {
    return err;
  }
  throw new Error("expected a parse error");
}

describe("coberturaParser golden fixtures", () => {
  it("has a fixture for every producer", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures)("%s", (name) => {
    const content = readFileSync(path.join(dir, name), "utf8");
    const expectedFile = path.join(dir, name.replace(/\.xml$/, ".expected.json"));
    const actual = outcome(content, `cobertura/${name}`);
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
    expect(coberturaParser.detect(content.slice(0, 4096), name)).toBe(true);
  });
});

describe("coberturaParser details", () => {
  it("merges classes of one file, adding hits and keeping the better branch record", () => {
    const xml = `<coverage line-rate="1"><packages><package><classes>
      <class filename="A.kt"><lines><line number="9" hits="2" branch="true" condition-coverage="50% (1/2)"/><line number="3" hits="1"/></lines></class>
      <class filename="A.kt"><lines><line number="9" hits="1" branch="true" condition-coverage="100% (2/2)"/><line number="1" hits="0"/></lines></class>
    </classes></package></packages></coverage>`;
    const [file] = coverageOf(xml).files;
    expect(file!.branches).toEqual({ covered: 2, total: 2 });
    expect([...file!.lineHits]).toEqual([
      [1, 0],
      [3, 1],
      [9, 3],
    ]);
  });

  it("ignores the root's rates and recomputes them", () => {
    const xml = `<coverage line-rate="1" lines-valid="999" lines-covered="999"><packages><package><classes>
      <class filename="a.py"><lines><line number="1" hits="0"/></lines></class></classes></package></packages></coverage>`;
    expect(coverageOf(xml).lines).toEqual({ covered: 0, total: 1 });
  });

  it("reads condition-coverage in every producer's shape", () => {
    expect(parseConditionCoverage("50% (1/2)")).toEqual([1, 2]);
    expect(parseConditionCoverage("100% (4/4)")).toEqual([4, 4]);
    expect(parseConditionCoverage("50%")).toBeUndefined();
    expect(parseConditionCoverage("0% (0/0)")).toBeUndefined();
    expect(parseConditionCoverage("x (3/2)")).toBeUndefined();
  });

  it("rejects garbage counts, classes without a file and other roots with a located error", () => {
    const cases: [string, number, number][] = [
      [
        '<coverage>\n  <class filename="a"><lines><line number="x" hits="1"/></lines></class></coverage>',
        2,
        30,
      ],
      [
        '<coverage><class filename="a"><lines>\n<line number="2" hits="-1"/></lines></class></coverage>',
        2,
        1,
      ],
      ['<coverage>\n<class name="a"/></coverage>', 2, 1],
      ['<?xml version="1.0"?><testsuites/>', 1, 22],
      ["<coverage><packages>", 1, 21],
    ];
    for (const [xml, line, column] of cases) {
      const err = errorOf(xml);
      expect(isSluiceError(err) && err.code, xml).toBe("SLUICE_E_REPORT_PARSE");
      expect(isSluiceError(err) && err.location, xml).toEqual({ file: "coverage.xml", line, column });
    }
  });

  it("accepts JaCoCo-converted float counts", () => {
    const xml = `<coverage><class filename="a"><lines><line number="2.0" hits="3.0"/></lines></class></coverage>`;
    expect([...coverageOf(xml).files[0]!.lineHits]).toEqual([[2, 3]]);
  });

  it("detects Cobertura but not Clover, which also uses a <coverage> root", () => {
    expect(
      coberturaParser.detect(
        '<?xml version="1.0" ?>\n<coverage version="7.6.1" timestamp="1" lines-valid="3"',
        "c.xml",
      ),
    ).toBe(true);
    expect(
      coberturaParser.detect('<coverage generated="1714557600" clover="4.4.1"><project', "clover.xml"),
    ).toBe(false);
    expect(coberturaParser.detect("<testsuites>", "c.xml")).toBe(false);
  });
});

describe("coberturaParser.detect on hostile heads", () => {
  it("answers quickly for a head full of processing instructions and comments", () => {
    const head = "<?a?>".repeat(400) + "<!--x-->".repeat(400) + "<x";
    const start = performance.now();
    expect(coberturaParser.detect(head, "c.xml")).toBe(false);
    expect(coberturaParser.detect(head.slice(0, -2) + '<coverage line-rate="1">', "c.xml")).toBe(true);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
