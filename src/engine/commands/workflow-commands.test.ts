import { describe, expect, it } from "vitest";
import {
  CommandProcessor,
  parseWorkflowCommand,
  toAnnotation,
  unescapeData,
  unescapeProperty,
} from "./workflow-commands";

describe("unescape", () => {
  it("decodes data escapes in one pass", () => {
    expect(unescapeData("a%0Ab%0Dc%25d")).toBe("a\nb\rc%d");
    expect(unescapeData("%250A")).toBe("%0A");
    expect(unescapeData("%3A%2C")).toBe("%3A%2C");
    expect(unescapeData("%0a")).toBe("\n");
  });

  it("decodes property escapes, including ':' and ','", () => {
    expect(unescapeProperty("a%3Ab%2Cc%0A%25")).toBe("a:b,c\n%");
  });
});

describe("parseWorkflowCommand", () => {
  it("parses a command without properties", () => {
    expect(parseWorkflowCommand("::group::Build step")).toEqual({
      name: "group",
      properties: {},
      message: "Build step",
    });
    expect(parseWorkflowCommand("::endgroup::")).toEqual({ name: "endgroup", properties: {}, message: "" });
  });

  it("parses properties and unescapes them and the message", () => {
    const cmd = parseWorkflowCommand("::error file=src/a%2Cb.ts,line=3,title=T%3Ax::bad%0Athing");
    expect(cmd).toEqual({
      name: "error",
      properties: { file: "src/a,b.ts", line: "3", title: "T:x" },
      message: "bad\nthing",
    });
  });

  it("keeps '::' inside the message", () => {
    expect(parseWorkflowCommand("::notice::a::b")?.message).toBe("a::b");
  });

  it("accepts leading whitespace and any case for the name", () => {
    expect(parseWorkflowCommand("   ::WARNING::w")?.name).toBe("warning");
  });

  it("drops malformed property pairs", () => {
    expect(parseWorkflowCommand("::warning a,=x,b=,c=1::m")?.properties).toEqual({ c: "1" });
  });

  it("returns null for non-commands and unknown names", () => {
    expect(parseWorkflowCommand("hello")).toBeNull();
    expect(parseWorkflowCommand("::error no close")).toBeNull();
    expect(parseWorkflowCommand("::unknown::x")).toBeNull();
    expect(parseWorkflowCommand("text ::error::x")).toBeNull();
  });

  it("recognises the deprecated commands so the consumer can decide", () => {
    expect(parseWorkflowCommand("::set-output name=x::1")).toEqual({
      name: "set-output",
      properties: { name: "x" },
      message: "1",
    });
    expect(parseWorkflowCommand("::save-state name=s::v")?.name).toBe("save-state");
    expect(parseWorkflowCommand("::set-env name=E::v")?.name).toBe("set-env");
    expect(parseWorkflowCommand("::add-path::/bin")?.name).toBe("add-path");
    expect(parseWorkflowCommand("::add-mask::s3cret")?.message).toBe("s3cret");
    expect(parseWorkflowCommand("::debug::d")?.name).toBe("debug");
  });
});

describe("toAnnotation", () => {
  it("maps properties to typed fields and drops non-integer positions", () => {
    const cmd = parseWorkflowCommand(
      "::warning file=a.ts,line=2,endLine=4,col=x,endColumn=7,title=Heads up::careful",
    );
    expect(cmd && toAnnotation(cmd)).toEqual({
      level: "warning",
      message: "careful",
      file: "a.ts",
      line: 2,
      endLine: 4,
      endColumn: 7,
      title: "Heads up",
    });
  });

  it("returns null for non-annotation commands", () => {
    const cmd = parseWorkflowCommand("::debug::x");
    expect(cmd && toAnnotation(cmd)).toBeNull();
  });
});

describe("CommandProcessor", () => {
  it("classifies lines and collects annotations", () => {
    const p = new CommandProcessor();
    expect(p.feed("plain")).toEqual({ kind: "text", text: "plain" });
    const r = p.feed("::error line=1::boom");
    expect(r.kind).toBe("command");
    expect(r.kind === "command" && r.annotation).toEqual({ level: "error", message: "boom", line: 1 });
    p.feed("::notice::fyi");
    expect(p.annotations.map((a) => a.level)).toEqual(["error", "notice"]);
  });

  it("stops command processing until the token line, then resumes", () => {
    const p = new CommandProcessor();
    expect(p.feed("::stop-commands::tok123").kind).toBe("command");
    expect(p.stopped).toBe(true);
    expect(p.feed("::error::not an error")).toEqual({ kind: "text", text: "::error::not an error" });
    expect(p.feed("::tok124::")).toEqual({ kind: "text", text: "::tok124::" });
    const resume = p.feed("::TOK123::");
    expect(resume.kind === "command" && resume.command).toEqual({
      name: "resume-commands",
      properties: {},
      message: "tok123",
    });
    expect(p.stopped).toBe(false);
    expect(p.feed("::error::now it is").kind).toBe("command");
    expect(p.annotations).toHaveLength(1);
  });

  it("refuses empty tokens and tokens that are command names", () => {
    const p = new CommandProcessor();
    p.feed("::stop-commands::");
    p.feed("::stop-commands::error");
    expect(p.stopped).toBe(false);
    expect(p.problems).toHaveLength(2);
    expect(p.feed("::error::still processed").kind).toBe("command");
  });

  it("tracks echo on/off and reports invalid values", () => {
    const p = new CommandProcessor({ echo: false });
    p.feed("::echo::ON");
    expect(p.echo).toBe(true);
    p.feed("::echo::off");
    expect(p.echo).toBe(false);
    p.feed("::echo::maybe");
    expect(p.echo).toBe(false);
    expect(p.problems).toHaveLength(1);
  });
});
