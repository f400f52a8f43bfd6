/**
 * `sluice agent ENV`: the environment agent in the foreground (what `sluice deploy` starts detached,
 * and what resumes a rollout after the agent was killed or the machine restarted).
 */
import { createServer } from "node:net";
import path from "node:path";
import { loadConfig } from "../../config/index";
import type { EnvironmentConfig } from "../../config/deploy-schema";
import { createError } from "../../core/errors";
import type { EnvironmentRecord } from "../../store/deployment-types";
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
      config: await withPreviousPort(envConfig, existing),
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

/**
 * `port: 0` lets the first agent pick a free port; a restarted agent takes the same one again when it
 * is still free, so clients of the environment keep their address across an agent restart.
 */
async function withPreviousPort(
  config: EnvironmentConfig,
  previous: EnvironmentRecord | null,
): Promise<EnvironmentConfig> {
  if (config.router.port !== 0 || !previous?.routerUrl) return config;
  let url: URL;
  try {
    url = new URL(previous.routerUrl);
  } catch {
    return config;
  }
  const port = Number(url.port);
  if (!Number.isInteger(port) || port <= 0 || url.hostname !== config.router.host) return config;
  return (await portFree(config.router.host, port))
    ? { ...config, router: { ...config.router, port } }
    : config;
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
