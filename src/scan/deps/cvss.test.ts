import { describe, expect, it } from "vitest";
import { cvss3BaseScore, cvss4Score, cvssSeverity } from "./cvss";
import { CVSS40_MACRO_SCORES } from "./cvss40-table";

describe("CVSS v3.x base score", () => {
  // Vectors and scores of real advisories (NVD/GHSA) and the specification's examples.
  const cases: [string, number][] = [
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8], // minimist GHSA-xvch-5gv4-984h
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0],
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4], // lodash GHSA-p6mc-m468-83gw
    ["CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2], // lodash GHSA-35jh-r3h4-6jhm
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5], // qs GHSA-hrpp-h998-j3pp
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3], // semver GHSA-c2qf-rxjj-qqgw
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1], // requests GHSA-j8r2-6x86-q33q
    ["CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N", 5.9], // urllib3 GHSA-v845-jxx5-vc9f
    ["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L", 7.6], // jsonwebtoken GHSA-27h2-hvpr-p74q
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1], // express GHSA-rv95-896h-c2vc
    ["CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8],
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8], // temporal metrics ignored
  ];
  it.each(cases)("%s → %d", (vector, score) => expect(cvss3BaseScore(vector)).toBe(score));

  it("rejects malformed vectors", () => {
    for (const v of [
      "",
      "CVSS:3.1",
      "CVSS:2.0/AV:N",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
      "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ]) {
      expect(cvss3BaseScore(v), v).toBeUndefined();
    }
  });
});

describe("CVSS v4.0 score", () => {
  const cases: [string, number][] = [
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7], // body-parser GHSA-qwcr-r2fm-qrc7
    ["CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7],
    // The FIRST/Red Hat reference calculator's documented example (threat + environmental).
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y", 9.3], // supplemental ignored
  ];
  it.each(cases)("%s → %d", (vector, score) => expect(cvss4Score(vector)).toBe(score));

  it("has the specification's 270 MacroVector scores", () => {
    expect(Object.keys(CVSS40_MACRO_SCORES)).toHaveLength(270);
    expect(CVSS40_MACRO_SCORES["000000"]).toBe(10);
    expect(CVSS40_MACRO_SCORES["212221"]).toBe(0.1);
  });

  it("scores every base vector within 0–10 and never above its MacroVector", () => {
    const values = ["N", "A", "L", "P"];
    for (const av of values) {
      for (const pr of ["N", "L", "H"]) {
        for (const vc of ["H", "L", "N"]) {
          for (const sc of ["H", "L", "N"]) {
            const s = cvss4Score(
              `CVSS:4.0/AV:${av}/AC:H/AT:P/PR:${pr}/UI:A/VC:${vc}/VI:L/VA:N/SC:${sc}/SI:N/SA:L`,
            );
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(10);
          }
        }
      }
    }
  });

  it("rejects incomplete or unknown metrics", () => {
    expect(cvss4Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H")).toBeUndefined();
    expect(cvss4Score("CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")).toBeUndefined();
    expect(cvss4Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBeUndefined();
  });

  it("rates scores on the shared qualitative scale", () => {
    expect([9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(cvssSeverity)).toEqual([
      "critical",
      "high",
      "high",
      "medium",
      "medium",
      "low",
      "low",
      "none",
    ]);
  });
});
