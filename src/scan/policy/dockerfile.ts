/**
 * A Dockerfile as stages: what each `FROM` builds on (an image, an earlier stage, `scratch`), and
 * the user and health check each stage ends with, inherited through `FROM <stage>` as the builder
 * does. Rules then ask of the final stage what the running container will be.
 */
import { parseDockerfile } from "./dockerfile-parse";
import type { DockerInstruction } from "./dockerfile-parse";
import { parseImageRef } from "./image-ref";
import type { ImageRef } from "./image-ref";
import type { PolicyScope, PolicySubject, Position } from "./types";

/** What a stage is built on. */
export interface StageBase extends ImageRef {
  /** `variable`: the reference uses a build argument without a default, so it is unknown here. */
  kind: "image" | "stage" | "scratch" | "variable" | "none";
  /** For `stage`: the index of the stage it builds on, else -1. */
  stage: number;
}

/** One `FROM` section. */
export interface DockerStage {
  index: number;
  /** The `AS` name, or `""`. */
  name: string;
  /** The `FROM` reference as written. */
  from: string;
  platform: string;
  base: StageBase;
  /** The last stage: the image that is built when no `--target` is given. */
  final: boolean;
  /** Effective user: this stage's last `USER`, else the one of the stage it builds on, else `""`. */
  user: string;
  /** Effective health check: `"cmd"`, `"none"` (`HEALTHCHECK NONE`) or `""` when never set. */
  healthcheck: "" | "cmd" | "none";
  line: number;
  instructions: DockerInstruction[];
}

/** A parsed Dockerfile. */
export interface DockerfileInput {
  target: "dockerfile";
  file: string;
  directives: Record<string, string>;
  /** Build arguments declared before the first `FROM`, with their defaults (`""` when none). */
  args: Record<string, string>;
  instructions: DockerInstruction[];
  /** Index into `stages` for each instruction; -1 before the first `FROM`. */
  stageOf: number[];
  stages: DockerStage[];
}

/** Reads a Dockerfile into stages; total, like the parser. */
export function readDockerfile(text: string, file: string): DockerfileInput {
  const parsed = parseDockerfile(text);
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  const stageOf: number[] = [];
  for (const ins of parsed.instructions) {
    if (ins.keyword === "FROM") stages.push(newStage(ins, stages, args));
    const stage = stages.at(-1);
    stageOf.push(stage ? stage.index : -1);
    if (!stage) {
      if (ins.keyword === "ARG") for (const w of ins.arguments) args[keyOf(w)] = valueOf(w);
      continue;
    }
    stage.instructions.push(ins);
    if (ins.keyword === "USER") stage.user = ins.arguments[0] ?? "";
    if (ins.keyword === "HEALTHCHECK") {
      stage.healthcheck = (ins.arguments[0] ?? "").toUpperCase() === "NONE" ? "none" : "cmd";
    }
  }
  // Inheritance runs after reading, as a stage's own settings are known only at its end.
  for (const stage of stages) {
    const parent = stage.base.kind === "stage" ? stages[stage.base.stage] : undefined;
    if (!parent) continue;
    if (!stage.instructions.some((i) => i.keyword === "USER")) stage.user = parent.user;
    if (!stage.instructions.some((i) => i.keyword === "HEALTHCHECK")) stage.healthcheck = parent.healthcheck;
  }
  if (stages.length > 0) stages.at(-1)!.final = true;
  return {
    target: "dockerfile",
    file,
    directives: parsed.directives,
    args,
    instructions: parsed.instructions,
    stageOf,
    stages,
  };
}

function newStage(ins: DockerInstruction, earlier: DockerStage[], args: Record<string, string>): DockerStage {
  const words = ins.arguments;
  const from = words[0] ?? "";
  const name = words.length >= 3 && words[1]!.toUpperCase() === "AS" ? words[2]! : "";
  return {
    index: earlier.length,
    name,
    from,
    platform: ins.flags.platform ?? "",
    base: resolveBase(from, earlier, args),
    final: false,
    user: "",
    healthcheck: "",
    line: ins.line,
    instructions: [],
  };
}

function resolveBase(from: string, earlier: DockerStage[], args: Record<string, string>): StageBase {
  const ref = substitute(from, args);
  const image = parseImageRef(ref ?? from);
  if (from === "") return { ...image, kind: "none", stage: -1 };
  if (ref === null) return { ...image, kind: "variable", stage: -1 };
  const lower = ref.toLowerCase();
  const parent = earlier.findIndex((s) => s.name !== "" && s.name.toLowerCase() === lower);
  if (parent >= 0) return { ...image, kind: "stage", stage: parent };
  if (lower === "scratch") return { ...image, kind: "scratch", stage: -1 };
  return { ...image, kind: "image", stage: -1 };
}

// `$NAME`, `${NAME}` and `${NAME:-default}` from global ARG defaults; null when one stays unknown.
function substitute(text: string, args: Record<string, string>): string | null {
  let unknown = false;
  const out = text.replace(
    /\$(?:\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|([A-Za-z_]\w*))/g,
    (
      _,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const value = args[(braced ?? bare)!];
      const set = value !== undefined && value !== "";
      if (op === "-") return set ? value : (word ?? "");
      if (op === "+") return set ? (word ?? "") : "";
      if (!set) unknown = true;
      return value ?? "";
    },
  );
  return unknown ? null : out;
}

function keyOf(word: string): string {
  const eq = word.indexOf("=");
  return eq >= 0 ? word.slice(0, eq) : word;
}

function valueOf(word: string): string {
  const eq = word.indexOf("=");
  return eq >= 0 ? word.slice(eq + 1) : "";
}

const GLOBAL_STAGE: DockerStage = {
  index: -1,
  name: "",
  from: "",
  platform: "",
  base: { ...parseImageRef(""), kind: "none", stage: -1 },
  final: false,
  user: "",
  healthcheck: "",
  line: 0,
  instructions: [],
};

/**
 * Subjects of one scope, with a location table of `stages[i]` (its FROM), `stages[i].from`,
 * `stages[i].user` and `stages[i].healthcheck` (its own last USER / HEALTHCHECK) and `instructions[j]`.
 */
export function dockerfileSubjects(
  input: DockerfileInput,
  scope: PolicyScope,
  options: Record<string, unknown>,
): PolicySubject[] {
  const locations = dockerfileLocations(input);
  const dockerfile = {
    file: input.file,
    directives: input.directives,
    args: input.args,
    stages: input.stages,
  };
  const key = (s: DockerStage): string => (s.index < 0 ? "global" : `stage:${s.name || s.index}`);
  const base = { target: "dockerfile" as const, file: input.file, locations };
  if (scope === "stage") {
    return input.stages.map((stage) => ({
      ...base,
      scope,
      object: key(stage),
      locationPath: `stages[${stage.index}]`,
      position: locations.get(`stages[${stage.index}]`)!,
      vars: { dockerfile, stage, options },
    }));
  }
  if (scope !== "instruction") return [];
  const ordinals = new Map<string, number>();
  return input.instructions.map((instruction, j) => {
    const stage = input.stages[input.stageOf[j]!] ?? GLOBAL_STAGE;
    // Numbered per keyword within the stage, so adding a RUN does not renumber the COPYs.
    const name = `${key(stage)}/${instruction.keyword}`;
    const n = ordinals.get(name) ?? 0;
    ordinals.set(name, n + 1);
    return {
      ...base,
      scope,
      object: `${name}#${n}`,
      locationPath: `instructions[${j}]`,
      position: locations.get(`instructions[${j}]`)!,
      vars: { dockerfile, stage, instruction, options },
    };
  });
}

function dockerfileLocations(input: DockerfileInput): Map<string, Position> {
  const table = new Map<string, Position>();
  const pos = (i: DockerInstruction): Position => ({ line: i.line, column: i.column });
  input.instructions.forEach((ins, j) => table.set(`instructions[${j}]`, pos(ins)));
  for (const stage of input.stages) {
    const from = stage.instructions[0]!;
    table.set(`stages[${stage.index}]`, pos(from));
    table.set(`stages[${stage.index}].from`, pos(from));
    for (const ins of stage.instructions) {
      if (ins.keyword === "USER") table.set(`stages[${stage.index}].user`, pos(ins));
      if (ins.keyword === "HEALTHCHECK") table.set(`stages[${stage.index}].healthcheck`, pos(ins));
    }
  }
  return table;
}
