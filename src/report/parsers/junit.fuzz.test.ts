import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseJunit } from "./junit";
import { mulberry32, truncations } from "../../../test/helpers/fuzz";
import { mutateXml, outcome } from "./xml/fuzz-support";

const dir = fileURLToPath(new URL("../../../test/fixtures/reports/junit/", import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".xml"))
  .map((f) => [f, readFileSync(path.join(dir, f), "utf8")] as const);

// Generous: a fixture parses in well under a millisecond; this only catches runaway loops.
const SMALL_MS = 250;

describe("junit parser fuzz", () => {
  it.each(fixtures)("%s: every truncation inside the root element is a located error", (name, xml) => {
    const rootEnd = xml.lastIndexOf(">") + 1;
    for (const [cut, prefix] of truncations(xml, 1)) {
      const got = outcome(parseJunit, prefix, name);
      expect(got.ms).toBeLessThan(SMALL_MS);
      if (cut < rootEnd) expect(got.ok, `cut at ${cut}`).toBe(false);
    }
  });

  it("random edits give a report or a located SLUICE_E_REPORT_PARSE", () => {
    const rnd = mulberry32(0x5eed);
    let errors = 0;
    for (let i = 0; i < 6000; i++) {
      const [name, xml] = fixtures[i % fixtures.length]!;
      const got = outcome(parseJunit, mutateXml(xml, rnd), name);
      expect(got.ms).toBeLessThan(SMALL_MS);
      if (!got.ok) errors++;
    }
    // The mutations must actually exercise the error paths, not only harmless text.
    expect(errors).toBeGreaterThan(1000);
  });

  it("survives deep nesting of suites and unknown elements", () => {
    const depth = 100_000;
    const suites = "<testsuite>".repeat(depth) + '<testcase name="deep"/>' + "</testsuite>".repeat(depth);
    expect(parseJunit(suites, "deep.xml").tests).toMatchObject({ total: 1, passed: 1 });
    const inCase = `<testsuite><testcase name="t">${"<x>".repeat(depth)}${"</x>".repeat(depth)}</testcase></testsuite>`;
    expect(parseJunit(inCase, "deep.xml").tests!.total).toBe(1);
    expect(outcome(parseJunit, "<testsuites>" + "<testsuite>".repeat(depth), "deep.xml").ok).toBe(false);
  });

  it("stays linear on inputs built to be slow", () => {
    const n = 200_000;
    const inputs = [
      // a failure message split into many CDATA sections, none completing a line
      `<testsuite><testcase name="a"><failure>${"<![CDATA[ ]]>".repeat(n)}x${"<![CDATA[y]]>".repeat(n)}</failure></testcase></testsuite>`,
      // one huge message line, and huge text that nobody reads
      `<testsuite><testcase name="a"><error>${"&amp;".repeat(n)}</error><system-out>${"a&b<".slice(0, 3).repeat(n)}</system-out></testcase></testsuite>`,
      // a tag with very many attributes
      `<testsuite>${"<testcase " + Array.from({ length: 20_000 }, (_, i) => `a${i}="${i}"`).join(" ") + "/>"}</testsuite>`,
      // many cases, many suites
      `<testsuites>${'<testsuite name="s"><testcase name="t" time="0.001"/></testsuite>'.repeat(n / 4)}</testsuites>`,
      // an unterminated comment and an unterminated attribute at the end of a long document
      `<testsuite>${"<testcase/>".repeat(n / 4)}<!--`,
      `<testsuite>${"<testcase/>".repeat(n / 4)}<testcase name="`,
    ];
    for (const input of inputs) expect(outcome(parseJunit, input, "slow.xml").ms).toBeLessThan(3000);
  });
});
