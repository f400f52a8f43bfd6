/** The lockfile parsers that need `yaml` (pnpm, Yarn 2+), loaded together on first use. */
export { parsePnpmLock } from "./pnpm-lock";
export { parseYarnBerry } from "./yarn-berry";
