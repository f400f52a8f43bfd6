/**
 * The one registry of Sluice error codes. Every thrown or reported problem carries one of these codes;
 * tests assert codes, never messages, and docs/errors.md documents each (a test keeps it whole).
 */
export const errorCodes = {
  SLUICE_E_USAGE: { exit: 2, summary: "The command line is invalid (unknown option, missing argument)." },
  SLUICE_E_YAML: { exit: 2, summary: "A YAML file is not well-formed." },
  SLUICE_E_WORKFLOW_SCHEMA: {
    exit: 2,
    summary: "A workflow does not match the GitHub Actions workflow schema.",
  },
  SLUICE_E_WORKFLOW_INVALID: {
    exit: 2,
    summary: "A workflow is well-formed but inconsistent (unknown needs, cycles, bad ids).",
  },
  SLUICE_E_WORKFLOW_NOT_FOUND: {
    exit: 2,
    summary: "A workflow file named on the command line does not exist.",
  },
  SLUICE_E_NO_WORKFLOWS: {
    exit: 2,
    summary: "No workflow files were found in .sluice/workflows or .github/workflows.",
  },
  SLUICE_E_EXPRESSION: { exit: 2, summary: "A ${{ }} expression cannot be parsed." },
  SLUICE_E_EXPRESSION_EVAL: {
    exit: 1,
    summary: "A ${{ }} expression failed while being evaluated at run time.",
  },
  SLUICE_E_INPUT: {
    exit: 2,
    summary: "A workflow_dispatch or workflow_call input is missing or has the wrong type.",
  },
  SLUICE_E_SECRETS_FILE: { exit: 2, summary: "A --secrets-file cannot be read or parsed." },
  SLUICE_E_ACTION_NOT_FOUND: {
    exit: 1,
    summary: "A `uses:` names a remote action that is neither built in nor vendored under .sluice/actions.",
  },
  SLUICE_E_ACTION_INVALID: {
    exit: 1,
    summary: "A local or vendored action's action.yml is missing or invalid.",
  },
  SLUICE_E_REUSABLE_WORKFLOW: {
    exit: 2,
    summary: "A reusable workflow call cannot be resolved or is invalid.",
  },
  SLUICE_E_CHECKOUT: {
    exit: 1,
    summary: "actions/checkout asked for another repository, path or ref than the one the job runs in.",
  },
  SLUICE_E_NODE_VERSION: {
    exit: 1,
    summary: "actions/setup-node asked for a Node version the host does not have.",
  },
  SLUICE_E_PYTHON_VERSION: {
    exit: 1,
    summary: "actions/setup-python asked for a Python version the host does not have.",
  },
  SLUICE_E_CACHE: { exit: 1, summary: "actions/cache could not save or restore an entry." },
  SLUICE_E_ARTIFACT: { exit: 1, summary: "An artifact could not be uploaded or downloaded." },
  SLUICE_E_STEP_TIMEOUT: { exit: 1, summary: "A step or job exceeded its timeout-minutes." },
  SLUICE_E_REPORT_PARSE: {
    exit: 2,
    summary: "A report file (JUnit, lcov, SARIF…) is malformed or truncated.",
  },
  SLUICE_E_REPORT_FORMAT: {
    exit: 2,
    summary: "A report's format cannot be recognised; name it with format:path.",
  },
  SLUICE_E_GATE_RULE: { exit: 2, summary: "A gate rule is not a valid threshold or CEL expression." },
  SLUICE_E_GATE_UNKNOWN: {
    exit: 2,
    summary: "The named gate is not configured in sluice.yml (and no --rule was given).",
  },
  SLUICE_E_POLICY: {
    exit: 2,
    summary:
      "A policy rule is invalid (unknown target or scope, a CEL expression that does not compile) or cannot be evaluated.",
  },
  SLUICE_E_RUN_NOT_FOUND: { exit: 2, summary: "No run with the given id exists in the store." },
  SLUICE_E_STORE: { exit: 3, summary: "The store (database) failed." },
  SLUICE_E_CONFIG: { exit: 2, summary: "sluice.yml is invalid." },
  SLUICE_E_INIT_EXISTS: { exit: 2, summary: "`sluice init` would overwrite an existing file (use --force)." },
  SLUICE_E_PREREQUISITE: {
    exit: 2,
    summary: "A program Sluice needs (git, a shell) is missing or failed before anything ran.",
  },
  SLUICE_E_LOCKFILE: {
    exit: 2,
    summary:
      "A lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock, poetry.lock…) is malformed or truncated.",
  },
  SLUICE_E_ADVISORY_DB: {
    exit: 2,
    summary:
      "The OSV advisory database is missing, unreadable or malformed, or `scan deps` had no advisory source.",
  },
  SLUICE_E_SECRETS_CONFIG: {
    exit: 2,
    summary:
      "A secrets-scanning config (.gitleaks.toml) or baseline is missing or malformed, or holds an invalid rule.",
  },
  SLUICE_E_OUTPUT: {
    exit: 2,
    summary: "An output file (--sarif, --summary, --output) cannot be written.",
  },
  SLUICE_E_LICENSE_POLICY: {
    exit: 2,
    summary: "A licence policy's allow or deny list names something that is not a single SPDX licence id.",
  },
  SLUICE_E_ROLLOUT_SPEC: {
    exit: 2,
    summary:
      "A rollout strategy is inconsistent (weights outside 0–100, the new version is the stable one…).",
  },
  SLUICE_E_ROLLOUT_STATE: {
    exit: 3,
    summary:
      "A persisted rollout state belongs to another strategy or has a shape this Sluice cannot resume.",
  },
  SLUICE_E_TARGET: {
    exit: 1,
    summary: "A deploy target could not start, scale or stop a version (no command, no free port…).",
  },
  SLUICE_E_ROUTER_CONFIG: {
    exit: 2,
    summary:
      "Router settings are invalid (weights not summing to 100, a bad route, backend, fault or option).",
  },
  SLUICE_E_ROUTER_START: {
    exit: 1,
    summary: "A router could not listen on its address (port in use, not permitted).",
  },
  SLUICE_E_ANALYSIS_CONFIG: {
    exit: 2,
    summary:
      "An analysis setting is invalid: a judge spec (threshold condition, alpha, score thresholds) or a metric provider's options.",
  },
  SLUICE_E_DEPLOY_BUSY: {
    exit: 2,
    summary: "The environment already has a rollout in progress (promote, abort or wait for it).",
  },
  SLUICE_E_DEPLOYMENT_NOT_FOUND: { exit: 2, summary: "No deployment or environment with that name or id." },
  SLUICE_E_STORE_CONFLICT: {
    exit: 3,
    summary: "Another controller saved the rollout first (two agents for one environment).",
  },
  SLUICE_E_DEPLOY_REFUSED: {
    exit: 2,
    summary: "The environment does not accept this deployment (branch not allowed, no version given).",
  },
  SLUICE_E_AGENT: {
    exit: 1,
    summary: "The environment's agent could not start or stopped answering.",
  },
  SLUICE_E_INTERNAL: { exit: 3, summary: "An unexpected internal error; please report it." },
} as const satisfies Record<string, { exit: 0 | 1 | 2 | 3; summary: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** A place in a user file. Lines and columns are one-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A problem found while validating user input: collected as data, never thrown one by one. */
export interface Problem {
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  /** Further problems reported together with this one (e.g. every validation error of a workflow). */
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: SourceLocation; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "SluiceError";
    this.code = code;
    this.location = options.location;
    this.problems = options.problems ?? [];
  }

  /** The process exit code this error maps to (DESIGN.md: 1 failed, 2 usage/config, 3 internal). */
  get exitCode(): 0 | 1 | 2 | 3 {
    return errorCodes[this.code].exit;
  }
}

export function createError(
  code: ErrorCode,
  message: string,
  options?: { location?: SourceLocation; problems?: Problem[]; cause?: unknown },
): SluiceError {
  return new SluiceError(code, message, options);
}

export function isSluiceError(err: unknown): err is SluiceError {
  return err instanceof SluiceError;
}

/** `file:line:column` for messages, as editors and terminals link it. */
export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

export function formatProblem(p: Problem): string {
  if (!p.location) return `${p.code}: ${p.message}`;
  const where = formatLocation(p.location);
  // Parsers often start their messages with the place too: say it once, in front of the code.
  const message = [`${where}: `, `${p.location.file}: `].reduce(
    (m, prefix) => (m.startsWith(prefix) ? m.slice(prefix.length) : m),
    p.message,
  );
  return `${where}: ${p.code}: ${message}`;
}
