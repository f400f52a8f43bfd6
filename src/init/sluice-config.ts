/**
 * The `sluice.yml` that `sluice init` writes: `version: 1` and every other key commented out with
 * its default or an example, so the file documents itself and uncommenting a section just works
 * (a test parses the fully uncommented file against the schema).
 */
import { CONFIG_FILE_NAME, DEFAULT_SQLITE_PATH, DEFAULT_TIMEOUT_MINUTES } from "../config/schema";

/** Where the file is written, relative to the repository root. */
export const SLUICE_CONFIG_PATH = CONFIG_FILE_NAME;

interface Section {
  /** Prose, one comment line each. */
  about: string[];
  /** YAML lines, written commented out. */
  example: string[];
}

const sections: Section[] = [
  {
    about: ["Directories, relative to the repository root, that workflow files are read from."],
    example: ["workflows:", "  paths: [.sluice/workflows, .github/workflows]"],
  },
  {
    about: [
      "How jobs run: how many at once (unset: the engine decides), the shell of `run:` steps that name",
      `none, and the timeout of jobs without \`timeout-minutes\` (GitHub's default, ${DEFAULT_TIMEOUT_MINUTES}).`,
    ],
    example: ["run:", "  concurrency: 4", "  shell: bash", `  timeoutMinutes: ${DEFAULT_TIMEOUT_MINUTES}`],
  },
  {
    about: ["Where runs and their history are recorded."],
    example: ["store:", "  type: sqlite", `  path: ${DEFAULT_SQLITE_PATH}`],
  },
  {
    about: ["A dotenv file (KEY=VALUE lines) that provides the `secrets` context. Keep it out of git."],
    example: ["secrets:", "  file: .sluice/secrets.env"],
  },
  {
    about: ["The `vars` context, like repository variables on GitHub."],
    example: ["vars:", "  DEPLOY_REGION: eu-west-1"],
  },
  {
    about: ["Environment variables for every job."],
    example: ["env:", "  TZ: UTC"],
  },
];

/**
 * The text of the generated `sluice.yml`. `uncommented` writes the examples as live YAML; it exists
 * so tests can check that every example is valid.
 */
export function renderSluiceConfig(options: { uncommented?: boolean } = {}): string {
  const lines = [
    "# Sluice configuration: everything Sluice adds to GitHub Actions workflows lives here.",
    "# Reference: docs/configuration.md. Editors can validate this file with the JSON Schema",
    "# schema/sluice.schema.json shipped with Sluice.",
    "version: 1",
  ];
  for (const section of sections) {
    lines.push("", ...section.about.map((l) => `# ${l}`));
    lines.push(...section.example.map((l) => (options.uncommented ? l : `# ${l}`)));
  }
  return `${lines.join("\n")}\n`;
}
