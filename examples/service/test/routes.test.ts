import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { defaultConfig } from "../src/config.js";
import { ItemStore } from "../src/items.js";
import { matchRoute, type RouteContext } from "../src/routes.js";

describe("matchRoute", () => {
  it("matches templates and extracts parameters", () => {
    const m = matchRoute("GET", "/api/items/42");
    assert.equal(m.kind, "found");
    if (m.kind !== "found") return;
    assert.equal(m.template, "/api/items/:id");
    assert.deepEqual(m.params, { id: "42" });
    assert.equal(m.api, true);
  });

  it("tolerates a trailing slash and serves HEAD from GET routes", () => {
    assert.equal(matchRoute("GET", "/api/items/").kind, "found");
    const head = matchRoute("HEAD", "/health");
    assert.equal(head.kind, "found");
    if (head.kind === "found") assert.equal(head.api, false);
  });

  it("tells a wrong method from an unknown path", () => {
    assert.deepEqual(matchRoute("PUT", "/api/items"), {
      kind: "method_not_allowed",
      template: "/api/items",
      allow: ["GET", "POST", "HEAD"],
    });
    assert.deepEqual(matchRoute("GET", "/api/items/1/extra"), { kind: "not_found" });
    assert.deepEqual(matchRoute("GET", "/api/items//"), { kind: "not_found" });
    assert.deepEqual(matchRoute("GET", "/api/items/%E0%A4%A"), { kind: "not_found" });
  });
});

describe("the health route", () => {
  it("answers 503 draining, still live, once shutdown began", async () => {
    const ctx: RouteContext = {
      config: defaultConfig,
      store: new ItemStore(),
      draining: () => true,
      renderMetrics: () => "",
    };
    const m = matchRoute("GET", "/health");
    assert.equal(m.kind, "found");
    if (m.kind !== "found") return;
    const server = createServer((req, res) => void m.handle(req, res, {}, ctx));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { status: string; checks: { live: boolean; ready: boolean } };
      assert.equal(body.status, "draining");
      assert.deepEqual(body.checks, { live: true, ready: false });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
