/** Writing the files `sluice scan` and `uses: sluice/scan@v1` are asked for (SARIF, summary, SBOM). */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createError } from "../core/errors";

/**
 * Writes (or appends) `text` to `file`, creating missing parent folders. A failure is the user's
 * path, not a bug: SLUICE_E_OUTPUT naming the option (`what`) and the system's reason.
 */
export async function writeOutput(file: string, text: string, what: string, append = false): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await (append ? appendFile(file, text) : writeFile(file, text));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw createError("SLUICE_E_OUTPUT", `cannot write ${what} ${file}: ${describe(reason)}`, { cause: err });
  }
}

function describe(code: string): string {
  switch (code) {
    case "ENOTDIR":
    case "EEXIST": // what mkdir -p says when a parent is a file
      return "a parent of it is a file, not a folder (ENOTDIR)";
    case "EACCES":
    case "EPERM":
      return `permission denied (${code})`;
    case "EROFS":
      return "read-only file system (EROFS)";
    case "EISDIR":
      return "it is a folder (EISDIR)";
    case "ENOENT":
      return "no such file or folder, and it cannot be created (ENOENT)";
    default:
      return code;
  }
}
