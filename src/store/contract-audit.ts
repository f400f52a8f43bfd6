/** Contract tests for the audit trail and for races between processes (see contract-deployments.ts). */
import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { ISO, newDeployment } from "./contract-deployment-fixtures";
import type { WithStore } from "./contract-deployment-fixtures";
import type { DeploymentContractOptions } from "./contract-deployments";
import type { AuditRecord } from "./deployment-types";

/** The documented hash: sha256 hex of the previous hash and the entry's JSON with sorted keys. */
function expectedHash(prevHash: string, e: AuditRecord, canonicalData: string): string {
  const text =
    `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},` +
    `"data":${canonicalData},"seq":${e.seq},"subject":${JSON.stringify(e.subject)}}`;
  return createHash("sha256")
    .update(prevHash + text)
    .digest("hex");
}

export function describeAudit(withStore: WithStore): void {
  it("appends hash-chained entries with consecutive seqs", async () => {
    await withStore(async (store) => {
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 0, brokenAt: null });
      const a = await store.appendAudit({
        actor: "alice",
        action: "deployment.started",
        subject: "deployment:x",
        data: { z: [{ b: 1, a: "ü" }], a: { d: 2, c: null } },
      });
      const b = await store.appendAudit({
        actor: "bob",
        action: "approval.granted",
        subject: "run:1",
        data: "ok",
      });
      expect(a).toMatchObject({
        seq: 1,
        actor: "alice",
        data: { z: [{ b: 1, a: "ü" }], a: { d: 2, c: null } },
      });
      expect(a.at).toMatch(ISO);
      expect(a.hash).toBe(expectedHash("", a, '{"a":{"c":null,"d":2},"z":[{"a":"ü","b":1}]}'));
      expect(b.seq).toBe(2);
      expect(b.hash).toBe(expectedHash(a.hash, b, '"ok"'));
      expect(await store.listAudit()).toEqual([a, b]);
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 2, brokenAt: null });
    });
  });

  it("filters the trail by subject, position and count, oldest first", async () => {
    await withStore(async (store) => {
      for (let i = 0; i < 6; i++) {
        await store.appendAudit({ actor: "a", action: "x.y", subject: `s:${i % 2}`, data: { i } });
      }
      const seqs = (list: AuditRecord[]): number[] => list.map((e) => e.seq);
      expect(seqs(await store.listAudit({ subject: "s:1" }))).toEqual([2, 4, 6]);
      expect(seqs(await store.listAudit({ afterSeq: 3 }))).toEqual([4, 5, 6]);
      expect(seqs(await store.listAudit({ afterSeq: 1, limit: 2 }))).toEqual([2, 3]);
      expect(seqs(await store.listAudit({ subject: "s:0", afterSeq: 1, limit: 1 }))).toEqual([3]);
      expect(await store.listAudit({ subject: "none" })).toEqual([]);
    });
  });

  it("forms one chain from concurrent appends", async () => {
    await withStore(async (store) => {
      const appended = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.appendAudit({ actor: "a", action: "x.y", subject: "s", data: i }),
        ),
      );
      expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 30, brokenAt: null });
    });
  });
}

export function describeProcessRaces(
  withStore: WithStore,
  inProcesses: NonNullable<DeploymentContractOptions["inProcesses"]>,
): void {
  /**
   * A barrier through the store itself: each process announces itself as an environment and waits
   * for the others, so their loops really overlap however long each took to start.
   */
  const together = `await store.upsertEnvironment("barrier-" + process.pid, {});
    const ready = async () => (await store.listEnvironments()).filter((e) => e.name.startsWith("barrier-"));
    while ((await ready()).length < arg.processes) await new Promise((r) => setTimeout(r, 1));`;

  it("forms one unbroken audit chain from two processes appending at once", async () => {
    await withStore(async (store) => {
      const body = `${together}
        const seqs = [];
        for (let i = 0; i < 60; i++) {
          // Spaced as real appends are: a writer that never pauses starves the other (SQLite's busy
          // handler sleeps with backoff), which would leave nothing to race.
          await new Promise((r) => setTimeout(r, Math.random() * 2));
          seqs.push((await store.appendAudit({ actor: "p" + process.pid, action: "x.y", subject: "s", data: { i } })).seq);
        }
        return seqs;`;
      const results = (await inProcesses(store, 2, body, { processes: 2 })) as number[][];
      const all = results.flat().sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 120, brokenAt: null });
      // The appends interleaved (neither process wrote one unbroken run of seqs), so they did race.
      for (const seqs of results) expect(seqs.at(-1)! - seqs[0]! + 1).toBeGreaterThan(seqs.length);
    });
  }, 30_000);

  it("lets exactly one of two processes start a rollout of an environment", async () => {
    await withStore(async (store) => {
      const body = `${together}
        const won = [];
        let busy = 0;
        for (let i = 0; i < 25; i++) {
          try {
            won.push((await store.createDeployment({ ...arg.deployment, environment: "env-" + i })).number);
          } catch (err) {
            if (err.code !== "SLUICE_E_DEPLOY_BUSY") throw err;
            busy++;
          }
        }
        return { won, busy };`;
      const arg = { processes: 2, deployment: newDeployment() };
      const results = (await inProcesses(store, 2, body, arg)) as { won: number[]; busy: number }[];
      const numbers = results.flatMap((r) => r.won);
      expect(numbers).toHaveLength(25);
      expect(new Set(numbers).size).toBe(25);
      expect(results.reduce((sum, r) => sum + r.busy, 0)).toBe(25);
      const active = await store.listDeployments({ status: "in_progress" });
      expect(active.map((d) => d.environment).sort()).toEqual(
        Array.from({ length: 25 }, (_, i) => `env-${i}`).sort(),
      );
      expect(active.map((d) => d.number).sort((x, y) => x - y)).toEqual([...numbers].sort((x, y) => x - y));
    });
  }, 30_000);
}
