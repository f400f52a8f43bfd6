/**
 * Which files a working-tree scan reads: what git would commit — tracked files plus untracked ones
 * that .gitignore does not exclude (`git ls-files -co --exclude-standard -z`). Outside a repository,
 * a directory walk that skips `.git` and does not follow symbolic links.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";

/** Relative `/`-separated paths, and whether git listed them. */
export interface FileList {
  files: string[];
  git: boolean;
}

/** The files of `root` git would commit, or all files when `root` is not in a repository. */
export async function listFiles(root: string): Promise<FileList> {
  const listed = await gitLsFiles(root);
  if (listed) return { files: listed, git: true };
  return { files: await walk(root), git: false };
}

function gitLsFiles(root: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-c", "core.quotepath=false", "ls-files", "-co", "--exclude-standard", "-z"],
      { cwd: root, maxBuffer: 1 << 30, encoding: "utf8" },
      (err, stdout) => {
        if (err) return resolve(null);
        // -co lists a file both tracked and modified once; deleted-but-tracked files fail to open
        // later and count as unreadable.
        resolve([...new Set(stdout.split("\0").filter((f) => f.length > 0))]);
      },
    );
  });
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== ".git") pending.push(rel);
      } else if (e.isFile()) {
        out.push(rel);
      }
    }
  }
  return out.sort();
}
