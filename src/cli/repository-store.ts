/** Opens the store of the repository the CLI runs in, as configured in sluice.yml. */
import path from "node:path";
import { loadConfig } from "../config/index";
import { readGitInfo } from "../engine/git-info";
import { openStore } from "../store/registry";
import type { Store } from "../store/types";
import type { CliIO } from "./io";

export async function openRepositoryStore(io: CliIO): Promise<Store> {
  const root = readGitInfo(io.cwd, io.env).root;
  const { config } = await loadConfig(root);
  return openStore({ type: config.store.type, path: path.resolve(root, config.store.path) });
}
