import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCobertura } from "./cobertura";
import { mulberry32, truncations } from "../../../test/helpers/fuzz";
import { mutateXml, outcome } from "./xml/fuzz-support";

const dir = fileURLToPath(new URL("../../../test/fixtures/reports/cobertura/", import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".xml"))
  .map((f) => [f, readFileSync(path.join(dir, f), "utf8")] as const);

const SMALL_MS = 250;

describe("cobertura parser fuzz", () => {
  it.each(fixtures)("%s: every truncation inside the root element is a located error", (name, xml) => {
    const rootEnd = xml.lastIndexOf(">") + 1;
    for (const [cut, prefix] of truncations(xml, 1)) {
      const got = outcome(parseCobertura, prefix, name);
      expect(got.ms).toBeLessThan(SMALL_MS);
      if (cut < rootEnd) expect(got.ok, `cut at ${cut}`).toBe(false);
    }
  });

  it("random edits give a report or a located SLUICE_E_REPORT_PARSE", () => {
    const rnd = mulberry32(0xc0be);
    let errors = 0;
    for (let i = 0; i < 6000; i++) {
      const [name, xml] = fixtures[i % fixtures.length]!;
      const got = outcome(parseCobertura, mutateXml(xml, rnd), name);
      expect(got.ms).toBeLessThan(SMALL_MS);
      if (!got.ok) errors++;
    }
    expect(errors).toBeGreaterThan(1000);
  });

  it("survives deep nesting", () => {
    const depth = 100_000;
    const nested = `<coverage>${'<class filename="a.py">'.repeat(depth)}<lines><line number="1" hits="1"/></lines>${"</class>".repeat(depth)}</coverage>`;
    expect(parseCobertura(nested, "deep.xml").coverage!.lines).toEqual({ covered: 1, total: 1 });
    expect(outcome(parseCobertura, "<coverage>" + "<package>".repeat(depth), "deep.xml").ok).toBe(false);
  });

  it("stays linear on inputs built to be slow", () => {
    const n = 200_000;
    const inputs = [
      // lines listed backwards across many classes of one file (the merge and sort path)
      `<coverage>${Array.from({ length: n / 10 }, (_, i) => `<class filename="a.kt"><lines><line number="${n - i}" hits="1"/></lines></class>`).join("")}</coverage>`,
      // a source root split into many CDATA sections
      `<coverage><sources><source>${"<![CDATA[/x]]>".repeat(n)}</source></sources></coverage>`,
      `<coverage><class filename="a"><lines>${'<line number="1" hits="1"/>'.repeat(n)}</lines></class><!--`,
    ];
    for (const input of inputs) expect(outcome(parseCobertura, input, "slow.xml").ms).toBeLessThan(3000);
  });
});
