/** What every deployment command opens: the repository, its config, its store and who is asking. */
import path from "node:path";
import { loadConfig } from "../../config/index";
import type { SluiceConfig } from "../../config/schema";
import { readGitInfo } from "../../engine/git-info";
import type { GitInfo } from "../../engine/git-info";
import { openStore } from "../../store/registry";
import type { Store } from "../../store/types";
import type { CliIO } from "../io";

export interface DeployContext {
  root: string;
  git: GitInfo;
  config: SluiceConfig;
  store: Store;
  /** Who acts: SLUICE_ACTOR, else git's user.name, else $USER. */
  actor: string;
}

export async function withDeployContext<T>(io: CliIO, work: (ctx: DeployContext) => Promise<T>): Promise<T> {
  const git = readGitInfo(io.cwd, io.env);
  const { config } = await loadConfig(git.root);
  const store = await openStore({ type: config.store.type, path: path.resolve(git.root, config.store.path) });
  try {
    return await work({ root: git.root, git, config, store, actor: io.env.SLUICE_ACTOR ?? git.actor });
  } finally {
    await store.close();
  }
}
