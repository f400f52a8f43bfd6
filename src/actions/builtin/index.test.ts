import { describe, expect, it } from "vitest";
import { builtinActions, findBuiltinAction, parseRemoteUses } from "./index";

describe("findBuiltinAction", () => {
  it.each([
    ["actions/checkout@v4", "actions/checkout"],
    ["Actions/Checkout@main", "actions/checkout"],
    ["actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a", "actions/setup-node"],
    ["actions/cache@v4", "actions/cache"],
    ["actions/cache/restore@v4", "actions/cache/restore"],
    ["actions/cache/save@v4.2.0", "actions/cache/save"],
    ["actions/upload-artifact@v4", "actions/upload-artifact"],
    [" actions/download-artifact@v4 ", "actions/download-artifact"],
  ])("%s → %s", (uses, name) => {
    expect(findBuiltinAction(uses)?.name).toBe(name);
  });

  it.each([
    "actions/checkout",
    "actions/checkout@",
    "./actions/checkout",
    "docker://alpine:3",
    "actions/other@v1",
    "checkout@v4",
  ])("finds nothing for %j", (uses) => {
    expect(findBuiltinAction(uses)).toBeUndefined();
  });

  it("parses owner, repository, path and ref", () => {
    expect(parseRemoteUses("Owner/Repo/sub/dir@feature/x")).toEqual({
      repository: "owner/repo",
      path: "sub/dir",
      ref: "feature/x",
    });
  });

  it("registers every action under its own name", () => {
    for (const [name, action] of builtinActions) expect(action.name).toBe(name);
    expect([...builtinActions.keys()]).toContain("actions/setup-python");
    expect(builtinActions.size).toBe(11);
  });
});
