/**
 * The service helpers in scripts/services start real nginx and HAProxy (installing them with apt when
 * missing) for router tests and the router benchmark. Under CI=true a missing program fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureProgram, spawnNodeBackend, startHaproxy, startNginx } from "../../../scripts/services/index";
import type { BackendProcess } from "../../../scripts/services/index";
import { countVersions, request } from "./testing";

const hasNginx = ensureProgram("nginx") !== null;
const hasHaproxy = ensureProgram("haproxy") !== null;

describe("service helpers", () => {
  let backend: BackendProcess;

  beforeAll(async () => {
    backend = await spawnNodeBackend({ version: "v1" });
  });
  afterAll(async () => {
    await backend.stop();
  });

  it("runs the test backend in its own process and stops it", async () => {
    expect((await request(backend.port)).body).toBe("v1\n");
    const other = await spawnNodeBackend({ version: "v9" });
    expect((await request(other.port, { path: "/?status=418" })).status).toBe(418);
    await other.stop();
    await expect(request(other.port)).rejects.toThrow();
  });

  it.skipIf(!hasNginx)(
    "starts nginx as a keep-alive proxy on a free port and stops it (workers too)",
    async () => {
      const nginx = (await startNginx({
        backends: [{ host: "127.0.0.1", port: backend.port }],
        workers: 1,
      }))!;
      expect(await countVersions(nginx.port, 5)).toEqual({ v1: 5 });
      await nginx.stop();
      await expect(request(nginx.port)).rejects.toThrow();
    },
  );

  it.skipIf(!hasHaproxy)("starts HAProxy with an admin socket on a free port and stops it", async () => {
    const haproxy = (await startHaproxy({
      backends: [{ host: "127.0.0.1", port: backend.port }],
      threads: 1,
    }))!;
    expect(await countVersions(haproxy.port, 5)).toEqual({ v1: 5 });
    expect(haproxy.socket.endsWith("admin.sock")).toBe(true);
    await haproxy.stop();
    await expect(request(haproxy.port)).rejects.toThrow();
  });

  it("reports a config nginx refuses instead of waiting forever", async () => {
    if (!hasNginx) return;
    await expect(startNginx({ http: "  this is not nginx config;" })).rejects.toThrow(
      /exited before listening/,
    );
  });
});
