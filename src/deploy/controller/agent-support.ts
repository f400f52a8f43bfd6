/** Small pieces the environment agent needs that are not the agent's own logic. */
import { fileURLToPath } from "node:url";
import type { EnvironmentConfig } from "../../config/deploy-schema";
import { BUILTIN_ROUTER_TYPE } from "../router/builtin/builtin-router";
import type { RouterConfig } from "../router/types";
import type { Target } from "../target/types";

/**
 * sluice.yml gives every router `host` and `port`; the builtin router takes them as `listen` (its
 * own option shape predates environments), the engines' routers as they are.
 */
export function routerConfig(router: EnvironmentConfig["router"]): RouterConfig {
  if (router.type !== BUILTIN_ROUTER_TYPE) return { ...router };
  const { host, port, ...rest } = router;
  return { ...rest, listen: { host, port } };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return "code" in err ? `${String(err.code)}: ${err.message}` : err.message;
  return String(err);
}

/** Resolves once every instance the target lists is ready, or after `timeoutMs`. */
export async function waitForReady(target: Target, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && target.listInstances().some((i) => !i.ready)) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The CLI entry the agent runs from: the bundle's `cli.js` beside this chunk, or SLUICE_CLI. */
export function cliEntry(env: NodeJS.ProcessEnv): string {
  return env.SLUICE_CLI ?? fileURLToPath(new URL("./cli.js", import.meta.url));
}
