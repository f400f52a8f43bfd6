import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The compiled test lives in dist/test/, the entry point it exercises in dist/src/.
const mainJs = fileURLToPath(new URL("../src/main.js", import.meta.url));

function startMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [mainJs], { env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env } });
}

/** Resolves with the first log line whose event is `name`. */
function waitForEvent(child: ChildProcessWithoutNullStreams, name: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      for (const line of buffered.split("\n").slice(0, -1)) {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event.event === name) {
          child.stdout.off("data", onData);
          resolve(event);
          return;
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before logging ${name}`)));
  });
}

describe("the process", () => {
  it("drains in-flight requests on SIGTERM and exits 0", async () => {
    const child = startMain({ LATENCY_MS: "400", VERSION: "3.1.4" });
    const { port, version } = await waitForEvent(child, "listening");
    assert.equal(version, "3.1.4");
    const inFlight = fetch(`http://127.0.0.1:${String(port)}/api/items`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const res = await inFlight;
    assert.equal(res.status, 200);
    await res.text();
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  });

  it("exits 1 with a log line naming the variable when the configuration is invalid", async () => {
    const child = startMain({ ERROR_RATE: "2" });
    const event = await waitForEvent(child, "config_invalid");
    assert.match(String(event.error), /^ERROR_RATE/);
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 1);
  });
});
