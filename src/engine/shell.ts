/**
 * Shells for `run:` steps, with GitHub's exact command lines. `{0}` is the script file.
 * An unspecified shell on Linux is `bash -e {0}`; `shell: bash` adds --noprofile --norc and pipefail.
 */
import { createError } from "../core/errors";

export interface ShellCommand {
  command: string;
  args: string[];
  /** Extension of the script file the shell is given. */
  extension: string;
}

const builtins: Record<string, { line: string; extension: string }> = {
  bash: { line: "bash --noprofile --norc -eo pipefail {0}", extension: ".sh" },
  sh: { line: "sh -e {0}", extension: ".sh" },
  pwsh: { line: "pwsh -command \". '{0}'\"", extension: ".ps1" },
  powershell: { line: "pwsh -command \". '{0}'\"", extension: ".ps1" },
  python: { line: "python {0}", extension: ".py" },
  node: { line: "node {0}", extension: ".js" },
};

/** The shell used when neither the step nor defaults.run names one (GitHub, Linux runners). */
export const DEFAULT_SHELL_LINE = "bash -e {0}";

/**
 * Resolves a `shell:` value (or undefined for the default) to an argv with `{0}` replaced.
 * Custom shells are a command line containing `{0}`; quoting follows simple shell-like rules.
 */
export function resolveShell(shell: string | undefined, scriptPath: string): ShellCommand {
  const named = shell === undefined ? undefined : builtins[shell.trim()];
  const line = shell === undefined ? DEFAULT_SHELL_LINE : (named?.line ?? shell);
  if (!line.includes("{0}")) {
    throw createError(
      "SLUICE_E_WORKFLOW_INVALID",
      `unknown shell "${shell}": use bash, sh, pwsh, python, node or a command line containing {0}`,
    );
  }
  const argv = splitLine(line).map((a) => a.replaceAll("{0}", scriptPath));
  return {
    command: argv[0]!,
    args: argv.slice(1),
    extension: named?.extension ?? (shell === undefined ? ".sh" : ""),
  };
}

/** Shell lines already split: a run uses a few, and every step resolves its shell twice. */
const splitLines = new Map<string, readonly string[]>();

function splitLine(line: string): readonly string[] {
  let argv = splitLines.get(line);
  if (argv === undefined) {
    argv = splitCommandLine(line);
    if (splitLines.size >= 64) splitLines.clear();
    splitLines.set(line, argv);
  }
  return argv;
}

/** Splits a command line on whitespace, honouring single and double quotes. */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: "'" | '"' | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}
