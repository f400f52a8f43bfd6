import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { junitParser, parseJunit } from "./junit";

// Same case format as golden.test.ts (the whole Report, or `{ error: { code, location } }`), so the
// registry-wide golden suite can take these fixtures as they are. SLUICE_UPDATE_GOLDEN=1 rewrites
// the expected files; review the diff before keeping it.
const dir = fileURLToPath(new URL("../../../test/fixtures/reports/junit/", import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".xml"));
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";

function outcome(content: string, file: string): unknown {
  try {
    return JSON.parse(JSON.stringify(junitParser.parse(content, file)));
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    return { error: { code: err.code, location: err.location } };
  }
}

function parseError(content: string): unknown {
  try {
    parseJunit(content, "junit.xml");
  } catch (err) {
    return err;
  }
  throw new Error("expected a parse error");
}

describe("junitParser golden fixtures", () => {
  it("has a fixture for every producer", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
  });

  it.each(fixtures)("%s", (name) => {
    const content = readFileSync(path.join(dir, name), "utf8");
    const expectedFile = path.join(dir, name.replace(/\.xml$/, ".expected.json"));
    const actual = outcome(content, `junit/${name}`);
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
    expect(junitParser.detect(content.slice(0, 4096), name)).toBe(true);
  });
});

describe("junitParser details", () => {
  it("counts from cases, not from the suite's attributes", () => {
    const xml = `<testsuite name="s" tests="10" failures="5"><testcase name="a" time="0.5"/></testsuite>`;
    expect(parseJunit(xml, "f").tests).toMatchObject({ total: 1, passed: 1, failed: 0, durationMs: 500 });
  });

  it("uses a counts-only suite's counts, clamped to its tests", () => {
    const xml = `<testsuites><testsuite name="x" tests="3" failures="2" errors="4" skipped="1"/></testsuites>`;
    expect(parseJunit(xml, "f").tests).toMatchObject({
      total: 3,
      passed: 0,
      failed: 2,
      errored: 1,
      skipped: 0,
    });
  });

  it("takes the message from the attribute's first line, else the text's first non-blank line", () => {
    const xml = `<testsuite><testcase name="a"><failure message="first&#10;second">x</failure></testcase>
      <testcase name="b"><error>

   boom  
  at x</error></testcase><testcase name="c"><failure><![CDATA[cdata line]]>
more</failure></testcase></testsuite>`;
    const cases = parseJunit(xml, "f").tests!.cases;
    expect(cases.map((c) => c.message)).toEqual(["first", "boom", "cdata line"]);
  });

  it("ranks failure over error over skipped and ignores Surefire's flaky and rerun records", () => {
    const xml = `<testsuite>
      <testcase name="a"><skipped/><error message="e"/></testcase>
      <testcase name="b"><error message="e"/><failure message="f"/></testcase>
      <testcase name="c"><flakyFailure message="x"/><flakyError message="y"/></testcase>
      <testcase name="d"><system-out>failure</system-out><properties><property name="failure" value="1"/></properties></testcase>
    </testsuite>`;
    const cases = parseJunit(xml, "f").tests!.cases;
    expect(cases.map((c) => [c.status, c.message])).toEqual([
      ["errored", "e"],
      ["failed", "f"],
      ["passed", undefined],
      ["passed", undefined],
    ]);
  });

  it("falls back to the enclosing suite for the class name and file", () => {
    const xml = `<testsuites><testsuite name="outer" file="a.spec.ts"><testsuite name="inner">
      <testcase name="t" line="7"/></testsuite></testsuite></testsuites>`;
    expect(parseJunit(xml, "f").tests!.cases[0]).toEqual({
      name: "t",
      suite: "inner",
      status: "passed",
      durationMs: 0,
      file: "a.spec.ts",
      line: 7,
    });
  });

  it("reads times with grouping commas and ignores unreadable ones", () => {
    const xml = `<testsuite><testcase name="a" time="1,234.5"/><testcase name="b" time="abc"/><testcase name="c" time="-1"/><testcase name="d" time=" 2 "/></testsuite>`;
    expect(parseJunit(xml, "f").tests!.cases.map((c) => c.durationMs)).toEqual([1234500, 0, 0, 2000]);
  });

  it("rejects another root element and empty input with a located error", () => {
    for (const [xml, line, column] of [
      ['<?xml version="1.0"?>\n<coverage line-rate="1"/>', 2, 1],
      ["", 1, 1],
      ["   \n", 2, 1],
    ] as const) {
      const err = parseError(xml);
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_REPORT_PARSE");
      expect(isSluiceError(err) && err.location).toEqual({ file: "junit.xml", line, column });
    }
  });

  it("detects JUnit roots after a declaration, comments or a DOCTYPE, and nothing else", () => {
    expect(junitParser.detect('\uFEFF<?xml version="1.0"?>\n<!-- x -->\n<testsuites>', "r.xml")).toBe(true);
    expect(junitParser.detect("<testsuite name='a'/>", "r.xml")).toBe(true);
    expect(junitParser.detect('<coverage line-rate="1">', "r.xml")).toBe(false);
    expect(junitParser.detect('{"testsuite": 1}', "r.json")).toBe(false);
    expect(junitParser.detect("<testsuitex/>", "r.xml")).toBe(false);
  });
});

describe("junitParser.detect on hostile heads", () => {
  it("answers quickly for a head full of processing instructions and comments", () => {
    const head = "<?a?>".repeat(400) + "<!--x-->".repeat(400) + "<x";
    const start = performance.now();
    expect(junitParser.detect(head, "r.xml")).toBe(false);
    expect(junitParser.detect(head.slice(0, -2) + "<testsuite>", "r.xml")).toBe(true);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
