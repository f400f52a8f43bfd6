/** `sluice agent ENV`: the environment agent in the foreground (what `sluice deploy` starts detached). */
import path from "node:path";
import { loadConfig } from "../../config/index";
import { createError } from "../../core/errors";
import { openStore } from "../../store/registry";
import { EnvironmentAgent } from "../controller/agent";
import { agentAlive, agentDir } from "./agent-process";
import { environmentConfig } from "./start-deployment";

export async function runAgent(options: {
  repoRoot: string;
  environment: string;
  signal: AbortSignal;
  write: (line: string) => void;
}): Promise<void> {
  const { repoRoot, environment } = options;
  const { config } = await loadConfig(repoRoot);
  const envConfig = environmentConfig(config, environment);
  const store = await openStore({ type: config.store.type, path: path.resolve(repoRoot, config.store.path) });
  try {
    const existing = await store.getEnvironment(environment);
    if (agentAlive(existing) && existing!.agentPid !== process.pid) {
      throw createError(
        "SLUICE_E_AGENT",
        `An agent (pid ${existing!.agentPid}) already runs ${environment}.`,
      );
    }
    const log = (line: string): void => options.write(`${new Date().toISOString()} ${line}\n`);
    const agent = new EnvironmentAgent({
      repoRoot,
      environment,
      config: envConfig,
      analyses: config.analyses,
      store,
      stateDir: agentDir(repoRoot, environment),
      log,
    });
    log(`agent for ${environment} starting (pid ${process.pid})`);
    await agent.start();
    try {
      await agent.run(options.signal);
    } finally {
      await agent.shutdown();
    }
  } finally {
    await store.close();
  }
}
