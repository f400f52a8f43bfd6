/**
 * Built-in Dockerfile rules (Docker's build best practices and build checks, hadolint's classics).
 * Each expression is true when the stage or instruction violates the rule. The final stage is the
 * last one: the image built when no `--target` is given.
 */
import type { PolicyRuleInput } from "../types";

const BEST_PRACTICES = "https://docs.docker.com/build/building/best-practices/";
const tags = ["dockerfile", "security"];

// ADD is the right tool for remote URLs, git repositories and local tar archives (it extracts them).
const ADD_SOURCE_OK = String.raw`^(<<|[A-Za-z][A-Za-z0-9+.-]*://|git@)|\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$`;
// Name parts that mark a secret, after Docker's SecretsUsedInArgOrEnv check.
export const SECRET_NAME = String.raw`(^|_)(password|passwd|pwd|secret|token|api_?key|apikey|private_?key|access_?key|secret_?key|credentials?)($|_)`;

/** Built-in rules for Dockerfiles. */
export const dockerfileRules: PolicyRuleInput[] = [
  {
    id: "dockerfile-root-user",
    name: "Image runs as root",
    description:
      "The final stage has no USER, or sets root: the container runs as root unless the orchestrator overrides it. Add a non-root USER.",
    severity: "high",
    target: "dockerfile",
    rule: 'stage.final && (stage.user == "" || stage.user.split(":")[0] in ["root", "0"])',
    message:
      'the final stage{{ stage.name == "" ? "" : " \\"" + stage.name + "\\"" }} runs as {{ stage.user == "" ? "root (no USER)" : stage.user }}',
    field: ["user", "from"],
    helpUri: BEST_PRACTICES + "#user",
    tags,
  },
  {
    id: "dockerfile-base-image-tag",
    name: "Base image not pinned to a version",
    description:
      "A FROM without a tag, or with latest, builds on whatever was pushed last: builds stop being reproducible. Pin a version tag or a digest.",
    severity: "medium",
    target: "dockerfile",
    rule: 'stage.base.kind == "image" && stage.base.digest == "" && (stage.base.tag == "" || stage.base.tag == "latest")',
    message: "FROM {{ stage.from }} has no version tag or digest",
    field: "from",
    helpUri: BEST_PRACTICES + "#from",
    tags,
  },
  {
    id: "dockerfile-healthcheck",
    name: "No HEALTHCHECK",
    description:
      "The final stage defines no HEALTHCHECK, so the engine cannot tell a hung container from a healthy one. HEALTHCHECK NONE counts as a deliberate choice.",
    severity: "low",
    target: "dockerfile",
    rule: 'stage.final && stage.healthcheck == ""',
    message: "the final stage defines no HEALTHCHECK",
    field: "from",
    tags: ["dockerfile", "reliability"],
  },
  {
    id: "dockerfile-add-instead-of-copy",
    name: "ADD used to copy local files",
    description:
      "ADD also fetches URLs and extracts archives, which makes a plain copy surprising; use COPY for local files and folders (ADD stays fine for URLs, git repositories and tar archives).",
    severity: "low",
    target: "dockerfile",
    scope: "instruction",
    rule: `instruction.keyword == "ADD" && instruction.sources.exists(s, !s.matches(${JSON.stringify(ADD_SOURCE_OK)}))`,
    message: 'ADD copies local files ({{ instruction.sources.join(", ") }}); use COPY',
    helpUri: BEST_PRACTICES + "#add-or-copy",
    tags,
  },
  {
    id: "dockerfile-apt-install-recommends",
    name: "apt-get install without --no-install-recommends",
    description:
      "apt-get installs recommended packages by default, which bloats the image and widens its attack surface.",
    severity: "low",
    target: "dockerfile",
    scope: "instruction",
    rule: String.raw`instruction.keyword == "RUN" && instruction.command.matches("\\bapt(-get)?\\s+(-\\S+\\s+)*install\\b") && !instruction.command.matches("--no-install-recommends|Install-Recommends=(false|0)")`,
    message: "apt-get install without --no-install-recommends",
    helpUri: BEST_PRACTICES + "#apt-get",
    tags: ["dockerfile", "hygiene"],
  },
  {
    id: "dockerfile-secret-in-env",
    name: "Secret passed in ENV or ARG",
    description:
      "ENV values are stored in the image and ARG values in its history, both readable by anyone who pulls it. Use build secrets (RUN --mount=type=secret) instead.",
    severity: "high",
    target: "dockerfile",
    scope: "instruction",
    rule: `(instruction.keyword == "ENV" || instruction.keyword == "ARG") && instruction.keys.exists(k, k.lowerAscii().matches(${JSON.stringify(SECRET_NAME)}))`,
    message: `{{ instruction.keyword }} {{ instruction.keys.filter(k, k.lowerAscii().matches(${JSON.stringify(SECRET_NAME)})).join(", ") }} looks like a secret baked into the image`,
    helpUri: "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
    tags,
  },
];
