import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../../core/errors";
import { scanXml, type XmlAttributes, type XmlHandler } from "./scanner";
import { decodeEntities, locate } from "./text";

/** Records every event as a line, with text always requested. */
function events(input: string, wantsText = true): string[] {
  const out: string[] = [];
  const handler: XmlHandler = {
    wantsText,
    open(name: string, attrs: XmlAttributes) {
      const pairs = attrs.names.slice(0, attrs.length).map((n) => `${n}=${attrs.get(n)}`);
      out.push(`<${name}${pairs.length ? " " + pairs.join(" ") : ""}>`);
    },
    close(name: string) {
      out.push(`</${name}>`);
    },
    text(text: string) {
      out.push(JSON.stringify(text));
    },
  };
  scanXml(input, "r.xml", handler);
  return out;
}

function failure(input: string): { line?: number; column?: number; message: string } {
  try {
    events(input);
  } catch (err) {
    if (!isSluiceError(err) || err.code !== "SLUICE_E_REPORT_PARSE") throw err;
    return { line: err.location?.line, column: err.location?.column, message: err.message };
  }
  throw new Error(`no error for ${JSON.stringify(input)}`);
}

describe("scanXml", () => {
  it("reports elements, attributes, decoded text, CDATA, and skips comments, PIs and DOCTYPE", () => {
    const xml = `\uFEFF<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE coverage SYSTEM 'http://cobertura.sourceforge.net/xml/coverage-04.dtd' [ <!ENTITY x "a>b"> ]>
<!-- c --><r a="1 &amp; 2" b='&#x2713;&#233;&lt;&gt;&quot;&apos;' c="x&#10;y
z"><e/>t&amp;u<![CDATA[<raw> & ]]]><?pi x?><!-- <no/> --></r >
`;
    expect(events(xml)).toEqual([
      `<r a=1 & 2 b=✓é<>"' c=x\ny z>`,
      "<e>",
      "</e>",
      '"t&u"',
      '"<raw> & ]"',
      "</r>",
    ]);
  });

  it("delivers text only while the handler wants it", () => {
    expect(events("<a>x<![CDATA[y]]><b>z</b></a>", false)).toEqual(["<a>", "<b>", "</b>", "</a>"]);
  });

  it("reads numbers in place and compares values without decoding", () => {
    let seen: unknown[] = [];
    scanXml(`<a n="12" f="0.003" g="1,2" e="" x="&#49;5" b="true" q="tr&#117;e"/>`, "r.xml", {
      wantsText: false,
      open(_name, attrs) {
        seen = [
          attrs.number("n"),
          attrs.number("f"),
          attrs.number("g"),
          attrs.number("e"),
          attrs.number("x"),
          attrs.number("missing"),
          attrs.is("b", "true"),
          attrs.is("q", "true"),
          attrs.is("b", "tru"),
          attrs.has("e"),
        ];
      },
      close() {},
      text() {},
    });
    expect(seen).toEqual([12, 0.003, NaN, NaN, 15, undefined, true, true, false, true]);
  });

  it("keeps many attributes linear and still finds duplicates among them", () => {
    const many = Array.from({ length: 5000 }, (_, i) => `a${i}="${i}"`).join(" ");
    expect(events(`<r ${many}/>`)[0]).toContain("a4999=4999");
    expect(failure(`<r ${many} a40="x"/>`).message).toContain("duplicate attribute a40");
  });

  it.each([
    ["", 1, 1, "no root element"],
    ["<a>", 1, 4, "<a> is not closed"],
    ["<a><b></a>", 1, 7, "</a> closes <b>"],
    ["<a></a><b/>", 1, 8, "a second root element"],
    ["<a/>x", 1, 5, "text outside the root element"],
    ["x<a/>", 1, 1, "text outside the root element"],
    ['<a b="1>\n</a>', 2, 1, "'<' inside the value of b"],
    ['<a b="1', 1, 6, "end of input in the value of b"],
    ["<a b=1/>", 1, 6, "expected a quoted value"],
    ['<a b="1"c="2"/>', 1, 9, "expected whitespace"],
    ['<a b="1" b="2"/>', 1, 10, "duplicate attribute b"],
    ["<a b/>", 1, 5, "expected '='"],
    ["<a><1/></a>", 1, 5, "invalid element name"],
    ["<a>x & y</a>", 1, 6, "'&' does not start an entity"],
    ["<a>&nbsp;</a>", 1, 4, "unknown entity &nbsp;"],
    ["<a>&#0;</a>", 1, 4, "invalid character reference"],
    ["<a>&#xD800;</a>", 1, 4, "invalid character reference"],
    ['<a b="&foo;"/>', 1, 7, "unknown entity"],
    ["<a><!-- x </a>", 1, 4, "end of input in a comment"],
    ["<a><![CDATA[x</a>", 1, 4, "end of input in a CDATA section"],
    ["<a><?pi </a>", 1, 4, "end of input in a processing instruction"],
    ["<!DOCTYPE a [ <!ENTITY", 1, 1, "unterminated DOCTYPE"],
    ["<a><!BOGUS></a>", 1, 4, "invalid markup"],
    ["<a></a", 1, 7, "end of input in an end tag"],
    ["<a></a x>", 1, 8, "expected '>'"],
    ["</a>", 1, 1, "without an open element"],
    ["<a/><![CDATA[x]]>", 1, 5, "CDATA outside the root element"],
    ["<a>\n\n  <b", 3, 5, "end of input in <b>"],
    ["<a><b /", 1, 7, "expected '/>'"],
  ])("rejects %j at %i:%i", (input, line, column, message) => {
    const got = failure(input);
    expect(got.message).toContain(message);
    expect([got.line, got.column]).toEqual([line, column]);
  });

  it("handles deep nesting without recursion", () => {
    const depth = 200_000;
    const xml = "<a>".repeat(depth) + "</a>".repeat(depth);
    expect(events(xml, false)).toHaveLength(2 * depth);
    expect(failure("<a>".repeat(depth)).message).toContain("is not closed");
  });
});

describe("xml text helpers", () => {
  it("locates offsets as one-based lines and columns", () => {
    expect(locate("ab\ncd\n", 0)).toEqual({ line: 1, column: 1 });
    expect(locate("ab\ncd\n", 4)).toEqual({ line: 2, column: 2 });
    expect(locate("ab\ncd\n", 99)).toEqual({ line: 3, column: 1 });
  });

  it("decodes every predefined entity and numeric references, leaving plain text alone", () => {
    expect(decodeEntities("&amp;&lt;&gt;&quot;&apos;&#65;&#x1F600;", "", "f", 0)).toBe("&<>\"'A😀");
    const plain = "no entities here";
    expect(decodeEntities(plain, "", "f", 0)).toBe(plain);
  });
});
