import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateExample } from "./locate";
import { copyExample } from "./prepare-repo";
import { applyEdits, applyRegression } from "./regression";
import { useTempDirs } from "./test-fixtures";

const tempDir = useTempDirs("sluice-regression-");

describe("applyRegression", () => {
  it("adds src/discount.ts and wires it into the example's route table", async () => {
    // The e2e demo test compiles, lints and tests the result; this keeps the anchors in step with the example.
    const repo = join(tempDir(), "repo");
    await copyExample(locateExample(), repo);
    expect(await applyRegression(repo)).toEqual(["src/discount.ts", "src/routes.ts"]);
    const routes = readFileSync(join(repo, "src", "routes.ts"), "utf8");
    expect(routes).toContain('import { priceQuote, validateQuoteRequest } from "./discount.js";\n');
    expect(routes).toContain('{ method: "POST", template: "/api/quotes", api: true, handle: createQuote }');
    expect(routes).toMatch(/\nasync function createQuote\([^]*\n}\n$/);
    expect(readFileSync(join(repo, "src", "discount.ts"), "utf8")).toContain(
      "export function priceQuote(request: QuoteRequest): Quote {",
    );
  });
});

describe("applyEdits", () => {
  it("inserts after each anchor", () => {
    expect(applyEdits("a\nb\n", [{ anchor: "a\n", insert: "x\n" }], "f")).toBe("a\nx\nb\n");
  });

  it("refuses a missing or repeated anchor with SLUICE_E_INTERNAL naming the file", () => {
    expect(() => applyEdits("a\n", [{ anchor: "b\n", insert: "" }], "src/routes.ts")).toThrow(
      expect.objectContaining({
        code: "SLUICE_E_INTERNAL",
        message: expect.stringContaining("src/routes.ts"),
      }),
    );
    expect(() => applyEdits("a\na\n", [{ anchor: "a\n", insert: "" }], "f")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_INTERNAL" }),
    );
  });
});
