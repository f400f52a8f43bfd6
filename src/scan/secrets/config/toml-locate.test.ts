import { describe, expect, it } from "vitest";
import { createTomlLocator } from "./toml-locate";

const text = `title = "x"  # comment
[extend]
useDefault = true

[[rules]]
id = "a"
regex = '''[[rules]] inside a string'''

[[rules]]
id = "b"
  [[rules.allowlists]]
  regexes = [
    '''one''', # first
    """two""",
  ]
  [rules.allowlist]
  paths = ["p"]
[[allowlists]]
"targetRules" = ["b"]
inline = { key = 1, other = [1, 2] }
`;

describe("createTomlLocator", () => {
  const at = createTomlLocator(text);

  it("finds tables, keys and array elements", () => {
    expect(at(["title"])).toEqual({ line: 1, column: 1 });
    expect(at(["extend", "useDefault"])).toEqual({ line: 3, column: 1 });
    expect(at(["rules", 0, "regex"])).toEqual({ line: 7, column: 1 });
    expect(at(["rules", 1])).toEqual({ line: 9, column: 1 });
    expect(at(["rules", 1, "allowlists", 0, "regexes", 1])).toEqual({ line: 14, column: 5 });
    expect(at(["rules", 1, "allowlist", "paths", 0])).toEqual({ line: 17, column: 12 });
    expect(at(["allowlists", 0, "targetRules"])).toEqual({ line: 19, column: 1 });
    expect(at(["allowlists", 0, "inline", "other"])).toEqual({ line: 20, column: 21 });
  });

  it("falls back to the closest enclosing position", () => {
    expect(at(["rules", 1, "allowlists", 0, "stopwords"])).toEqual({ line: 11, column: 3 });
    expect(at(["nothing"])).toEqual({ line: 1, column: 1 });
  });
});
