import { describe, expect, it } from "vitest";
import { normalizeLicense, spdxChoices, parseSpdx, renderSpdx } from "./normalize";

describe("normalizeLicense", () => {
  it.each([
    ["MIT", "MIT"],
    ["(MIT OR Apache-2.0)", "MIT OR Apache-2.0"],
    ["MIT AND (ISC OR BSD-3-Clause)", "MIT AND (ISC OR BSD-3-Clause)"],
    ["Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"],
    ["LicenseRef-acme-eula", "LicenseRef-acme-eula"],
    ["Unlicense", "Unlicense"],
  ])("accepts the SPDX expression %s", (raw, expression) => {
    expect(normalizeLicense(raw)).toEqual({ status: "spdx", raw, expression, notes: [] });
  });

  it("reads UNLICENSED as proprietary, never as the Unlicense", () => {
    expect(normalizeLicense("UNLICENSED")).toMatchObject({ status: "unlicensed", raw: "UNLICENSED" });
    expect(normalizeLicense("unlicensed").status).toBe("unlicensed");
    expect(normalizeLicense("Unlicense")).toMatchObject({ status: "spdx", expression: "Unlicense" });
  });

  it("reports the file of SEE LICENSE IN as a custom licence", () => {
    expect(normalizeLicense("SEE LICENSE IN LICENSE.md")).toEqual({
      status: "file",
      raw: "SEE LICENSE IN LICENSE.md",
      file: "LICENSE.md",
      notes: [],
    });
    expect(normalizeLicense("see licence in ./EULA.txt")).toMatchObject({
      status: "file",
      file: "./EULA.txt",
    });
  });

  it.each([
    ["BSD", ["BSD-3-Clause", "BSD-2-Clause"]],
    ["Apache 2", ["Apache-2.0"]],
    ["Apache License, Version 2.0", ["Apache-2.0"]],
    ["MIT/X11", ["MIT", "X11"]],
    ["MIT License", ["MIT"]],
    ["Public Domain", ["Unlicense", "CC0-1.0"]],
    ["MIT or Apache 2", ["MIT", "Apache-2.0"]],
    ["Some Custom Licence", []],
  ])("keeps free text %s unknown, hinting %j", (raw, hint) => {
    expect(normalizeLicense(raw)).toEqual({ status: "unknown", raw, hint, notes: [] });
  });

  it.each([
    ["GPL-2.0", "GPL-2.0-only"],
    ["GPL-2.0+", "GPL-2.0-or-later"],
    ["LGPL-2.1", "LGPL-2.1-only"],
    ["AGPL-3.0", "AGPL-3.0-only"],
    ["(MIT OR GPL-3.0)", "MIT OR GPL-3.0-only"],
    ["GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"],
    ["wxWindows", "LGPL-2.0-or-later WITH WxWindows-exception-3.1"],
  ])("upgrades the deprecated id in %s to %s and says so", (raw, expression) => {
    const license = normalizeLicense(raw);
    expect(license).toMatchObject({ status: "spdx", expression });
    expect(license.notes.join()).toMatch(/deprecated SPDX id/);
  });

  it("matches ids case-insensitively, as the SPDX specification says", () => {
    const license = normalizeLicense("mit or apache-2.0");
    expect(license).toMatchObject({ status: "spdx", expression: "MIT OR Apache-2.0" });
    expect(license.notes).toHaveLength(2);
  });

  it("has nothing to say about missing licences", () => {
    for (const raw of [undefined, null, "", "   ", "NOASSERTION"])
      expect(normalizeLicense(raw)).toEqual({ status: "none", notes: [] });
  });
});

describe("spdxChoices", () => {
  const choices = (text: string) => spdxChoices(parseSpdx(text)!.ast).map((c) => c.map((l) => renderSpdx(l)));

  it("expands to the alternatives a licensee may pick", () => {
    expect(choices("MIT OR GPL-3.0-only")).toEqual([["MIT"], ["GPL-3.0-only"]]);
    expect(choices("MIT AND GPL-3.0-only")).toEqual([["MIT", "GPL-3.0-only"]]);
    expect(choices("(MIT OR ISC) AND BSD-3-Clause")).toEqual([
      ["MIT", "BSD-3-Clause"],
      ["ISC", "BSD-3-Clause"],
    ]);
  });
});
