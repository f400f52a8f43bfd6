import { execFileSync } from "node:child_process";

/** The end-to-end suites spawn the real CLI, so the bundle must match the sources under test. */
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
