/**
 * A Dockerfile reader, following BuildKit's parser where it matters for policy: parser directives at
 * the top (`# escape=`, `# syntax=`, `# check=`), line continuations with the escape character
 * (comment and blank lines inside a continued instruction are dropped), JSON (exec) and shell forms,
 * leading `--flags`, and here-documents (`RUN <<EOF … EOF`) whose bodies must not be read as
 * instructions. It is total: any text gives a list of instructions, never an exception.
 */

/** One instruction, with what rules commonly need already derived. */
export interface DockerInstruction {
  /** Upper-cased (`from`, `From` and `FROM` are the same instruction). */
  keyword: string;
  /** Text after the keyword, continuations joined, trimmed. */
  args: string;
  /** Leading `--name=value` options of FROM, RUN, COPY, ADD and HEALTHCHECK (`--link` → `"true"`). */
  flags: Record<string, string>;
  /** The exec form's elements, or null for the shell form. */
  json: string[] | null;
  /** After the flags: the exec form's elements, or the shell form split into words, quotes removed. */
  arguments: string[];
  /** Here-documents, in order. */
  heredocs: Array<{ name: string; body: string }>;
  /** ENV, ARG and LABEL: the names they set. */
  keys: string[];
  /** COPY and ADD: every argument but the last. */
  sources: string[];
  /** COPY and ADD: the last argument. */
  destination: string;
  /** RUN, CMD, ENTRYPOINT and HEALTHCHECK: the command, with here-document bodies appended. */
  command: string;
  /** One-based; `endLine` is the last physical line, here-documents included. */
  line: number;
  endLine: number;
  column: number;
}

/** A Dockerfile read into directives and instructions. */
export interface ParsedDockerfile {
  /** Parser directives, keys lower-cased (`escape`, `syntax`, `check`). */
  directives: Record<string, string>;
  escape: "\\" | "`";
  instructions: DockerInstruction[];
}

const DIRECTIVES = new Set(["syntax", "escape", "check"]);
const FLAG_KEYWORDS = new Set(["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]);
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);
// `<<<` is a here-string, not a here-document.
const HEREDOC = /(?<!<)<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g;

/** Reads a Dockerfile; total over all strings. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const directives = readDirectives(lines);
  const escape = directives.escape === "`" ? "`" : "\\";
  const continued = new RegExp(`${escape === "`" ? "`" : "\\\\"}[ \\t]*$`);
  const instructions: DockerInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (/^\s*$/.test(first) || /^\s*#/.test(first)) {
      i++;
      continue;
    }
    const line = i + 1;
    const column = first.length - first.trimStart().length + 1;
    let logical = "";
    let current = first;
    // Join continuation lines; comments and blank lines between them belong to no instruction.
    while (true) {
      const more = continued.test(current);
      logical += more ? current.replace(continued, "") : current;
      i++;
      if (!more) break;
      while (i < lines.length && (/^\s*$/.test(lines[i]!) || /^\s*#/.test(lines[i]!))) i++;
      if (i >= lines.length) break;
      current = lines[i]!;
    }
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(logical);
    const keyword = (match?.[1] ?? "").toUpperCase();
    const args = (match?.[2] ?? "").trim();
    const heredocs: Array<{ name: string; body: string }> = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const m of args.matchAll(HEREDOC)) {
        const body: string[] = [];
        const name = m[3]!;
        while (i < lines.length) {
          const raw = lines[i++]!;
          const cmp = m[1] === "-" ? raw.replace(/^\t+/, "") : raw;
          if (cmp === name) break;
          body.push(cmp);
        }
        heredocs.push({ name, body: body.join("\n") });
      }
    }
    instructions.push(describe(keyword, args, heredocs, escape, { line, endLine: i, column }));
  }
  return { directives, escape, instructions };
}

// Directives count only at the very top: the first line that is not one ends them (BuildKit).
function readDirectives(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of lines) {
    const m = /^\s*#\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(raw.replace(/^\uFEFF/, ""));
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (!DIRECTIVES.has(key) || key in out) break;
    out[key] = m[2]!;
  }
  if (out.escape !== undefined && out.escape !== "\\" && out.escape !== "`") delete out.escape;
  return out;
}

function describe(
  keyword: string,
  args: string,
  heredocs: Array<{ name: string; body: string }>,
  escape: string,
  where: { line: number; endLine: number; column: number },
): DockerInstruction {
  const flags: Record<string, string> = {};
  let rest = args;
  if (FLAG_KEYWORDS.has(keyword)) {
    let m: RegExpExecArray | null;
    while ((m = /^--([A-Za-z][\w-]*)(?:=("[^"]*"|'[^']*'|\S*))?(?:\s+|$)/.exec(rest))) {
      flags[m[1]!.toLowerCase()] = m[2] === undefined ? "true" : m[2].replace(/^(["'])(.*)\1$/, "$2");
      rest = rest.slice(m[0].length);
    }
  }
  // HEALTHCHECK's command follows a CMD word: `HEALTHCHECK CMD ["curl", "-f", "…"]`.
  const cmd = keyword === "HEALTHCHECK" ? /^CMD\s+/i.exec(rest) : null;
  const json = execForm(cmd ? rest.slice(cmd[0].length) : rest);
  const words = json ? (cmd ? ["CMD", ...json] : json) : shellWords(rest, escape);
  const instruction: DockerInstruction = {
    keyword,
    args,
    flags,
    json,
    arguments: words,
    heredocs,
    keys: [],
    sources: [],
    destination: "",
    command: "",
    ...where,
  };
  switch (keyword) {
    case "ENV":
    case "LABEL":
      // `ENV KEY value` (legacy) sets one variable; `ENV A=1 B=2` sets each.
      instruction.keys =
        words[0]?.includes("=") === true ? words.map(keyOf).filter((k) => k !== "") : words.slice(0, 1);
      break;
    case "ARG":
      instruction.keys = words.map(keyOf).filter((k) => k !== "");
      break;
    case "COPY":
    case "ADD":
      instruction.sources = words.slice(0, -1);
      instruction.destination = words.at(-1) ?? "";
      break;
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "HEALTHCHECK":
      instruction.command = [
        json ? json.join(" ") : cmd ? rest.slice(cmd[0].length) : rest,
        ...heredocs.map((h) => h.body),
      ].join("\n");
      break;
  }
  return instruction;
}

function keyOf(word: string): string {
  const eq = word.indexOf("=");
  return (eq >= 0 ? word.slice(0, eq) : word).trim();
}

/** The exec form: a JSON array of strings. Anything else is the shell form, as Docker reads it. */
function execForm(text: string): string[] | null {
  if (!text.startsWith("[")) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null;
  } catch {
    return null;
  }
}

/** Splits shell-form arguments into words: whitespace separates, quotes group, the escape escapes. */
export function shellWords(text: string, escape = "\\"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (c === quote) quote = "";
      else if (c === escape && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === escape && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
