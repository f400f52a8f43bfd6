/**
 * Process entry point: reads the environment, starts the service and turns SIGTERM/SIGINT into a graceful
 * shutdown. Exit codes: 0 after a clean shutdown, 1 when the configuration is invalid or the port is taken.
 */
import { ConfigError, loadConfig } from "./config.js";
import { createService, type LogEvent } from "./server.js";

function log(event: LogEvent): void {
  // One JSON object per line: what process supervisors and log shippers expect.
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + "\n");
}

async function start(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log({ event: "config_invalid", error: err.message });
    process.exitCode = 1;
    return;
  }
  const service = createService(config, { log });
  try {
    await service.listen();
  } catch (err) {
    log({ event: "listen_failed", error: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    return;
  }
  const stop = (signal: NodeJS.Signals): void => {
    log({ event: "signal", signal });
    // Exit explicitly once drained: a stray timer or handle must not keep a stopped service alive.
    void service.shutdown().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

await start();
