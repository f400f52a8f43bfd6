/**
 * Keeps Sluice's state out of git: `.sluice/` holds the run database, logs, caches, artifacts and
 * each run's RUNNER_TEMP, none of which belongs in a commit (a step running `git add -A` would
 * otherwise pick them up). Vendored actions and Sluice-only workflows under `.sluice/actions/` and
 * `.sluice/workflows/` are the repository's own files and stay tracked.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const STATE_IGNORE_LINES = [
  "# Sluice's state (runs, logs, caches); vendored actions and Sluice workflows stay tracked",
  ".sluice/*",
  "!.sluice/actions/",
  "!.sluice/workflows/",
];

/** "added" when the lines were appended to (or created) `.gitignore`; "present" when it already ignores `.sluice`. */
export async function ignoreStateDir(root: string): Promise<"added" | "present"> {
  const file = join(root, ".gitignore");
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  const ignoresState = text.split(/\r?\n/).some((line) => /^\/?\.sluice(\/(\*|\*\*)?)?$/.test(line.trim()));
  if (ignoresState) return "present";
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeFile(file, `${text}${separator}${text === "" ? "" : "\n"}${STATE_IGNORE_LINES.join("\n")}\n`);
  return "added";
}
