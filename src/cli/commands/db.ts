/** `sluice db import`: install an OSV advisory database (an OSV `all.zip` or a folder of records). */
import path from "node:path";
import { readGitInfo } from "../../engine/git-info";
import type { RegisterCommand } from "./index";

export const registerDb: RegisterCommand = (program, io, done) => {
  const db = program
    .command("db")
    .description("Manage the offline advisory database used by `sluice scan deps`");
  db.command("import")
    .description("Import OSV advisories (an ecosystem's all.zip, or a folder of OSV JSON records)")
    .argument("<source>", "all.zip file or folder")
    .option("--dest <dir>", "where to store them (default .sluice/osv)")
    .action(async (source: string, flags: { dest?: string }) => {
      const [{ importOsvArchive }, { defaultOsvDir }] = await Promise.all([
        import("../../scan/deps/index"),
        import("../../scan/run-scan"),
      ]);
      const root = readGitInfo(io.cwd, io.env).root;
      const dest = flags.dest ? path.resolve(io.cwd, flags.dest) : defaultOsvDir(root);
      const result = await importOsvArchive(path.resolve(io.cwd, source), dest);
      io.stdout.write(`imported ${JSON.stringify(result)} into ${path.relative(io.cwd, dest) || dest}\n`);
      done(0);
    });
};
