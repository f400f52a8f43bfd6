import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, defaultConfig, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("uses the defaults for an empty environment", () => {
    assert.deepEqual(loadConfig({}), defaultConfig);
  });

  it("reads every knob", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      VERSION: "1.2.3",
      ERROR_RATE: "0.25",
      LATENCY_MS: "150",
      LATENCY_JITTER_MS: "50",
      SHUTDOWN_TIMEOUT_MS: "2000",
    });
    assert.deepEqual(config, {
      port: 8080,
      host: "0.0.0.0",
      version: "1.2.3",
      errorRate: 0.25,
      latencyMs: 150,
      latencyJitterMs: 50,
      shutdownTimeoutMs: 2000,
    });
  });

  it("treats empty and blank values as unset", () => {
    assert.equal(loadConfig({ PORT: "", VERSION: "  " }).port, defaultConfig.port);
    assert.equal(loadConfig({ VERSION: "  " }).version, defaultConfig.version);
  });

  for (const [name, value] of [
    ["ERROR_RATE", "1.5"],
    ["ERROR_RATE", "-0.1"],
    ["ERROR_RATE", "lots"],
    ["PORT", "70000"],
    ["PORT", "80.5"],
    ["PORT", "0x50"],
    ["LATENCY_MS", "-1"],
  ] as const) {
    it(`rejects ${name}=${value} with an error naming the variable`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.startsWith(name),
      );
    });
  }

  it("accepts the bounds of ERROR_RATE", () => {
    assert.equal(loadConfig({ ERROR_RATE: "0" }).errorRate, 0);
    assert.equal(loadConfig({ ERROR_RATE: "1" }).errorRate, 1);
  });
});
