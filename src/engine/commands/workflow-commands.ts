/**
 * Workflow commands a step prints on stdout (`::name key=value::message`), parsed the way GitHub's
 * runner does, plus a small stateful processor for stop-commands, echo and annotations.
 */

/** Command names Sluice recognises; any other `::x::` line is ordinary output, as on GitHub. */
export type WorkflowCommandName =
  | "add-mask"
  | "group"
  | "endgroup"
  | "error"
  | "warning"
  | "notice"
  | "debug"
  | "stop-commands"
  | "echo"
  | "set-output"
  | "save-state"
  | "set-env"
  | "add-path";

const COMMAND_NAMES: ReadonlySet<string> = new Set<WorkflowCommandName>([
  "add-mask",
  "group",
  "endgroup",
  "error",
  "warning",
  "notice",
  "debug",
  "stop-commands",
  "echo",
  "set-output",
  "save-state",
  "set-env",
  "add-path",
]);

/** One parsed workflow command. */
export interface WorkflowCommand {
  /** Lower-cased command name (GitHub matches names case-insensitively). */
  name: WorkflowCommandName;
  /**
   * Unescaped properties in written order of keys. Pairs without `=` or with an empty key or value
   * are dropped, as GitHub does.
   */
  properties: Readonly<Record<string, string>>;
  /** Unescaped data after the second `::`; empty string when absent. */
  message: string;
}

/** Severity of an annotation produced by `::error`, `::warning` or `::notice`. */
export type AnnotationLevel = "error" | "warning" | "notice";

/** An annotation collected from a step's output. Positions are omitted when absent or not integers. */
export interface Annotation {
  level: AnnotationLevel;
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

const DATA_ESCAPES: Readonly<Record<string, string>> = { "%25": "%", "%0D": "\r", "%0A": "\n" };
const PROPERTY_ESCAPES: Readonly<Record<string, string>> = { ...DATA_ESCAPES, "%3A": ":", "%2C": "," };

/**
 * One left-to-right pass, so an escaped `%` is never decoded twice (`%250A` stays `%0A`).
 * Escapes are matched case-insensitively because encoders differ on hex case.
 */
function unescapeWith(text: string, table: Readonly<Record<string, string>>, pattern: RegExp): string {
  return text.includes("%") ? text.replace(pattern, (m) => table[m.toUpperCase()] ?? m) : text;
}

/** Decodes command data: `%25`→`%`, `%0D`→CR, `%0A`→LF. */
export function unescapeData(text: string): string {
  return unescapeWith(text, DATA_ESCAPES, /%(?:25|0D|0A)/gi);
}

/** Decodes a property value: the data escapes plus `%3A`→`:` and `%2C`→`,`. */
export function unescapeProperty(text: string): string {
  return unescapeWith(text, PROPERTY_ESCAPES, /%(?:25|0D|0A|3A|2C)/gi);
}

/**
 * Parses one output line as a workflow command, or returns null when it is not one (no leading `::`
 * after optional whitespace, no closing `::`, or an unknown command name). Handles both
 * `::name::message` and `::name k=v,k2=v2::message`. Pure.
 */
export function parseWorkflowCommand(line: string): WorkflowCommand | null {
  const text = line.trimStart();
  if (!text.startsWith("::")) return null;
  const end = text.indexOf("::", 2);
  if (end < 0) return null;

  const info = text.slice(2, end);
  const space = info.indexOf(" ");
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!COMMAND_NAMES.has(name)) return null;

  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(",")) {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? "" : pair.slice(0, eq).trim();
      const value = eq < 0 ? "" : pair.slice(eq + 1);
      if (key !== "" && value !== "") properties[key] = unescapeProperty(value);
    }
  }
  return { name: name as WorkflowCommandName, properties, message: unescapeData(text.slice(end + 2)) };
}

const POSITION_KEYS = ["line", "endLine", "col", "endColumn"] as const;

/**
 * Turns an `error` / `warning` / `notice` command into annotation data, or returns null for any
 * other command. Property keys are matched case-insensitively, like GitHub.
 */
export function toAnnotation(command: WorkflowCommand): Annotation | null {
  if (command.name !== "error" && command.name !== "warning" && command.name !== "notice") return null;
  const byKey = new Map(Object.entries(command.properties).map(([k, v]) => [k.toLowerCase(), v]));
  const annotation: Annotation = { level: command.name, message: command.message };
  const file = byKey.get("file");
  if (file !== undefined) annotation.file = file;
  const title = byKey.get("title");
  if (title !== undefined) annotation.title = title;
  for (const key of POSITION_KEYS) {
    const raw = byKey.get(key.toLowerCase())?.trim();
    if (raw !== undefined && /^\d+$/.test(raw)) annotation[key] = Number(raw);
  }
  return annotation;
}

/** The line that ends a `stop-commands` pause; synthesised by {@link CommandProcessor}, never parsed. */
export interface ResumeCommand {
  name: "resume-commands";
  properties: Readonly<Record<string, string>>;
  /** The token that ended the pause. */
  message: string;
}

/** What {@link CommandProcessor.feed} made of one line. */
export type ProcessedLine =
  | {
      kind: "command";
      command: WorkflowCommand | ResumeCommand;
      /** The raw line, for echoing when {@link CommandProcessor.echo} is on. */
      line: string;
      /** Set for error / warning / notice; also appended to {@link CommandProcessor.annotations}. */
      annotation?: Annotation;
    }
  | { kind: "text"; text: string };

/** Options for {@link CommandProcessor}. */
export interface CommandProcessorOptions {
  /** Initial echo state; GitHub starts with echo on only when step debug logging is enabled. */
  echo?: boolean;
}

/**
 * Feeds a step's output lines one at a time and classifies each as a command or plain text.
 *
 * Handles what needs state across lines and nothing else (the consumer acts on the commands):
 * - `stop-commands`: until a line equal (case-insensitively) to `::TOKEN::`, every line is text;
 *   the resuming line is returned as a `resume-commands` command. An empty token, or one equal to a
 *   command name (it would let ordinary command lines resume processing), is refused with a problem,
 *   as GitHub does.
 * - `echo`: `on`/`off` (case-insensitive) update {@link echo}; other values are a problem.
 * - annotations from `error` / `warning` / `notice` are collected in {@link annotations}.
 *
 * Use one instance per step output stream; never throws.
 */
export class CommandProcessor {
  private stopToken: string | null = null;
  private echoOn: boolean;
  private readonly collected: Annotation[] = [];
  private readonly issues: string[] = [];

  constructor(options: CommandProcessorOptions = {}) {
    this.echoOn = options.echo ?? false;
  }

  /** Whether command lines should be echoed to the log. */
  get echo(): boolean {
    return this.echoOn;
  }

  /** True while a `stop-commands` pause is in effect. */
  get stopped(): boolean {
    return this.stopToken !== null;
  }

  /** Annotations collected so far, in output order. */
  get annotations(): readonly Annotation[] {
    return this.collected;
  }

  /** Problems with commands (invalid stop token or echo value); the consumer decides whether they fail the step. */
  get problems(): readonly string[] {
    return this.issues;
  }

  /** Classifies one complete line (no trailing newline). */
  feed(line: string): ProcessedLine {
    if (this.stopToken !== null) {
      if (line.toLowerCase() !== `::${this.stopToken.toLowerCase()}::`) return { kind: "text", text: line };
      const token = this.stopToken;
      this.stopToken = null;
      return { kind: "command", command: { name: "resume-commands", properties: {}, message: token }, line };
    }

    const command = parseWorkflowCommand(line);
    if (command === null) return { kind: "text", text: line };

    if (command.name === "stop-commands") this.stop(command.message);
    if (command.name === "echo") this.setEcho(command.message);
    const annotation = toAnnotation(command);
    if (annotation === null) return { kind: "command", command, line };
    this.collected.push(annotation);
    return { kind: "command", command, line, annotation };
  }

  private stop(token: string): void {
    if (token === "" || COMMAND_NAMES.has(token.toLowerCase())) {
      this.issues.push(`Invalid stop-commands token '${token}': use a unique, unguessable token.`);
      return;
    }
    this.stopToken = token;
  }

  private setEcho(value: string): void {
    const v = value.trim().toLowerCase();
    if (v === "on" || v === "off") this.echoOn = v === "on";
    else this.issues.push(`Invalid echo command value '${value}': possible values are 'on' and 'off'.`);
  }
}

/** Escapes a message for a `::command::message` line (the inverse of unescapeData). */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}
