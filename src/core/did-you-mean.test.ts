import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./did-you-mean";

describe("closestName", () => {
  it("prefers a match but for case, - and _, then the nearest typo within the distance", () => {
    expect(closestName("timeout-minutes", ["timeoutMinutes", "timeout"])).toBe("timeoutMinutes");
    expect(closestName("concurency", ["concurrency", "shell"])).toBe("concurrency");
    expect(closestName("zzzzzz", ["concurrency"])).toBeUndefined();
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("with substring, takes the one candidate that contains the name", () => {
    const ids = ["dockerfile-healthcheck", "dockerfile-user"];
    expect(closestName("healthcheck", ids)).toBeUndefined();
    expect(closestName("healthcheck", ids, { substring: true })).toBe("dockerfile-healthcheck");
    expect(closestName("dockerfile-healtcheck", ids, { maxDistance: 3 })).toBe("dockerfile-healthcheck");
  });
});
