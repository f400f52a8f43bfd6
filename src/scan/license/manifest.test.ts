import { describe, expect, it } from "vitest";
import { licenseFromPackageJson, licenseFromPythonMetadata } from "./manifest";

describe("licenseFromPackageJson", () => {
  it("reads license as a string or a legacy { type } object", () => {
    expect(licenseFromPackageJson({ license: "MIT" })).toBe("MIT");
    expect(licenseFromPackageJson({ license: { type: "ISC", url: "https://example.com" } })).toBe("ISC");
  });

  it("joins a legacy licenses array with OR, keeping compound members grouped", () => {
    expect(licenseFromPackageJson({ licenses: [{ type: "MIT" }, { type: "Apache-2.0" }] })).toBe(
      "MIT OR Apache-2.0",
    );
    expect(licenseFromPackageJson({ licenses: ["MIT AND ISC", "GPL-2.0"] })).toBe("(MIT AND ISC) OR GPL-2.0");
    expect(licenseFromPackageJson({ licenses: [{ type: "BSD" }] })).toBe("BSD");
    expect(licenseFromPackageJson({ licenses: { type: "MIT" } })).toBe("MIT");
  });

  it("returns undefined when nothing is declared", () => {
    expect(licenseFromPackageJson({ name: "x" })).toBeUndefined();
    expect(licenseFromPackageJson({ license: "" })).toBeUndefined();
    expect(licenseFromPackageJson(null)).toBeUndefined();
  });
});

describe("licenseFromPythonMetadata", () => {
  const metadata = (headers: string) =>
    `Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n${headers}\n\nLicense: body text is not a header\n`;

  it("prefers License-Expression (PEP 639)", () => {
    expect(licenseFromPythonMetadata(metadata("License-Expression: MIT OR Apache-2.0\nLicense: BSD"))).toBe(
      "MIT OR Apache-2.0",
    );
  });

  it("takes a short License field but not a pasted licence text", () => {
    expect(licenseFromPythonMetadata(metadata("License: Apache 2.0"))).toBe("Apache 2.0");
    const pasted = metadata(
      "License: Copyright (c) 2020 Someone\n        Permission is hereby granted, free of charge\nClassifier: License :: OSI Approved :: MIT License",
    );
    expect(licenseFromPythonMetadata(pasted)).toBe("MIT");
  });

  it("maps trove classifiers to SPDX ids, several as alternatives", () => {
    expect(
      licenseFromPythonMetadata(
        metadata(
          "License: UNKNOWN\nClassifier: License :: OSI Approved :: Apache Software License\nClassifier: License :: OSI Approved :: BSD License",
        ),
      ),
    ).toBe("Apache Software License OR BSD License");
    expect(
      licenseFromPythonMetadata(
        metadata("Classifier: License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)"),
      ),
    ).toBe("GPL-3.0-or-later");
    expect(licenseFromPythonMetadata(metadata("Classifier: Programming Language :: Python"))).toBeUndefined();
  });
});
