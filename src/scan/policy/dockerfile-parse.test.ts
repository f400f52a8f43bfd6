import { describe, expect, it } from "vitest";
import { readDockerfile } from "./dockerfile";
import { parseDockerfile, shellWords } from "./dockerfile-parse";

const keywords = (text: string): string[] => parseDockerfile(text).instructions.map((i) => i.keyword);

describe("parseDockerfile", () => {
  it("reads instructions with lines, columns, upper-cased keywords", () => {
    const { instructions } = parseDockerfile('from alpine:3.19\n\n  run echo hi\n# comment\nCMD ["sh"]\n');
    expect(instructions.map((i) => [i.keyword, i.line, i.column, i.args])).toEqual([
      ["FROM", 1, 1, "alpine:3.19"],
      ["RUN", 3, 3, "echo hi"],
      ["CMD", 5, 1, '["sh"]'],
    ]);
  });

  it("joins continuation lines, dropping comments and blank lines inside them", () => {
    const text =
      "RUN apt-get update \\\n# why: pinned\n\n && apt-get install -y curl \\   \n    jq\nUSER app\n";
    const [run, user] = parseDockerfile(text).instructions;
    expect(run).toMatchObject({
      line: 1,
      endLine: 5,
      command: "apt-get update  && apt-get install -y curl     jq",
    });
    expect(user).toMatchObject({ keyword: "USER", line: 6, arguments: ["app"] });
  });

  it("honours the escape directive (Windows Dockerfiles)", () => {
    const text =
      "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY C:\\src\\ C:\\app\\\nRUN dir `\n  C:\\app\n";
    const parsed = parseDockerfile(text);
    expect(parsed.escape).toBe("`");
    expect(parsed.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ["FROM", 2, 2],
      ["COPY", 3, 3],
      ["RUN", 4, 5],
    ]);
    expect(parsed.instructions[1]).toMatchObject({ sources: ["C:\\src\\"], destination: "C:\\app\\" });
  });

  it("reads directives only at the top", () => {
    expect(parseDockerfile("# syntax=docker/dockerfile:1\n# check=skip=all\nFROM a\n").directives).toEqual({
      syntax: "docker/dockerfile:1",
      check: "skip=all",
    });
    expect(parseDockerfile("# a comment\n# escape=`\nFROM a\n").escape).toBe("\\");
    expect(parseDockerfile("\n# escape=`\nFROM a\n").escape).toBe("\\");
    expect(parseDockerfile("# escape=x\nFROM a\n").escape).toBe("\\");
  });

  it("tells the exec form from the shell form", () => {
    const [cmd, bad, shell] = parseDockerfile(
      'CMD ["node", "a b.js"]\nCMD [node]\nENTRYPOINT node "a b.js"\n',
    ).instructions;
    expect(cmd).toMatchObject({
      json: ["node", "a b.js"],
      arguments: ["node", "a b.js"],
      command: "node a b.js",
    });
    expect(bad).toMatchObject({ json: null, command: "[node]" });
    expect(shell).toMatchObject({ json: null, arguments: ["node", "a b.js"] });
  });

  it("reads leading flags of FROM, RUN, COPY, ADD and HEALTHCHECK", () => {
    const [from, copy, run, hc] = parseDockerfile(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY --from=build --chown=1:1 --link /out /app\nRUN --mount=type=secret,id=npm npm ci\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "localhost"]\n',
    ).instructions;
    expect(from).toMatchObject({
      flags: { platform: "$BUILDPLATFORM" },
      arguments: ["golang:1.22", "AS", "build"],
    });
    expect(copy).toMatchObject({
      flags: { from: "build", chown: "1:1", link: "true" },
      sources: ["/out"],
      destination: "/app",
    });
    expect(run).toMatchObject({ flags: { mount: "type=secret,id=npm" }, command: "npm ci" });
    expect(hc).toMatchObject({ flags: { interval: "5s" }, arguments: ["CMD", "curl", "-f", "localhost"] });
  });

  it("derives ENV, ARG and LABEL keys in both ENV forms", () => {
    const [a, b, c, d] = parseDockerfile(
      'ENV A=1 B="two words" C=3\nENV LEGACY value with spaces\nARG TOKEN\nARG X=1 Y\n',
    ).instructions;
    expect(a!.keys).toEqual(["A", "B", "C"]);
    expect(b!.keys).toEqual(["LEGACY"]);
    expect(c!.keys).toEqual(["TOKEN"]);
    expect(d!.keys).toEqual(["X", "Y"]);
  });

  it("keeps here-document bodies out of the instruction list", () => {
    const text =
      'FROM a\nRUN <<EOF\nUSER root\napt-get install x\nEOF\nCOPY <<-CONF /etc/app.conf\n\tkey=value\n\tCONF\nUSER app\nRUN cat <<<"here-string"\n';
    const parsed = parseDockerfile(text);
    expect(parsed.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ["FROM", 1, 1],
      ["RUN", 2, 5],
      ["COPY", 6, 8],
      ["USER", 9, 9],
      ["RUN", 10, 10],
    ]);
    expect(parsed.instructions[1]!.command).toContain("apt-get install x");
    expect(parsed.instructions[2]!.heredocs).toEqual([{ name: "CONF", body: "key=value" }]);
  });

  it("survives a file ending inside a continuation or a here-document", () => {
    expect(keywords("RUN a \\")).toEqual(["RUN"]);
    expect(keywords("RUN <<EOF\nnever closed")).toEqual(["RUN"]);
    expect(keywords("")).toEqual([]);
    expect(keywords("\uFEFFFROM a\r\nUSER b\r\n")).toEqual(["FROM", "USER"]);
  });
});

describe("shellWords", () => {
  it("splits on whitespace, groups quotes, honours the escape", () => {
    expect(shellWords(`a "b c" 'd e' f\\ g ""`)).toEqual(["a", "b c", "d e", "f g", ""]);
    expect(shellWords("x `y z", "`")).toEqual(["x", "y", "z"]);
  });
});

describe("readDockerfile stages", () => {
  const text = [
    "ARG BASE=debian",
    "ARG TAG",
    "FROM ${BASE}:12-slim AS base",
    "USER app",
    "HEALTHCHECK CMD true",
    "FROM base AS final",
    "RUN echo",
    "FROM $BASE:$TAG AS unknown",
    "FROM scratch",
    "FROM unknown",
    "HEALTHCHECK NONE",
  ].join("\n");
  const d = readDockerfile(text, "Dockerfile");

  it("resolves bases: images with global ARG defaults, earlier stages, scratch, unknown variables", () => {
    expect(d.args).toEqual({ BASE: "debian", TAG: "" });
    expect(d.stages.map((s) => [s.name, s.base.kind, s.base.repository, s.base.tag, s.base.stage])).toEqual([
      ["base", "image", "debian", "12-slim", -1],
      ["final", "stage", "base", "", 0],
      ["unknown", "variable", "$BASE", "$TAG", -1],
      ["", "scratch", "scratch", "", -1],
      ["", "stage", "unknown", "", 2],
    ]);
  });

  it("inherits USER and HEALTHCHECK through FROM <stage>, marks the last stage final", () => {
    expect(d.stages.map((s) => [s.user, s.healthcheck, s.final])).toEqual([
      ["app", "cmd", false],
      ["app", "cmd", false],
      ["", "", false],
      ["", "", false],
      ["", "none", true],
    ]);
    expect(d.stageOf).toEqual([-1, -1, 0, 0, 0, 1, 1, 2, 3, 4, 4]);
  });
});
