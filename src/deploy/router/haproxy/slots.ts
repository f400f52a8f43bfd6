/**
 * A version's instances live in fixed server slots of its backend, so scaling and replacing
 * instances is a runtime change (`set server … addr`, `state ready|maint`) rather than a reload:
 * an added instance takes a free slot, a removed one goes to maintenance (no new requests) and its
 * slot is free again once drained. Only more instances than slots need a new config.
 */
import { createError } from "../../../core/errors";
import type { Backend } from "../types";
import { runtimeApply, runtimeCommand, workerStatus } from "./runtime";

export type Slots = (Backend | null)[];

export type SlotPlan =
  | { reload: true; slots: Slots }
  | { reload: false; slots: Slots; addresses: string[]; states: string[]; removed: number[] };

const key = (b: Backend): string => `${b.host}:${b.port}`;

/** Pure: how `slots` of `backend` become `wanted`; `canApplyLive` false forces a reload plan. */
export function planSlots(
  backend: string,
  slots: Slots,
  wanted: Backend[],
  minSlots: number,
  canApplyLive: boolean,
): SlotPlan {
  const wantedKeys = new Set(wanted.map(key));
  const kept = new Set(slots.filter((s): s is Backend => s !== null).map(key));
  const added = wanted.filter(
    (b, i, all) => !kept.has(key(b)) && all.findIndex((o) => key(o) === key(b)) === i,
  );
  const free = slots.flatMap((s, i) => (s === null ? [i] : []));
  if (!canApplyLive || added.length > free.length) {
    // Room to grow: twice what runs now, so the next scale-ups and replacements stay live.
    const live = [...slots.filter((s): s is Backend => s !== null && wantedKeys.has(key(s))), ...added];
    const size = Math.max(minSlots, 2 * live.length);
    return { reload: true, slots: Array.from({ length: size }, (_, i) => live[i] ?? null) };
  }
  const next = [...slots];
  const addresses: string[] = [];
  const states: string[] = [];
  added.forEach((b, i) => {
    const slot = free[i]!;
    next[slot] = b;
    addresses.push(`set server ${backend}/s${slot} addr ${b.host} port ${b.port}`);
    states.push(`set server ${backend}/s${slot} state ready`);
  });
  const removed = slots.flatMap((s, i) => (s !== null && !wantedKeys.has(key(s)) ? [i] : []));
  for (const slot of removed) {
    states.push(`set server ${backend}/s${slot} state maint`);
    next[slot] = null;
  }
  return { reload: false, slots: next, addresses, states, removed };
}

/** Applies a live plan: addresses first, so a slot is never ready at its previous address. */
export async function applySlotPlan(socket: string, plan: SlotPlan & { reload: false }): Promise<void> {
  for (const command of plan.addresses) {
    // `set server … addr` answers with a sentence ("IP changed from … to …"), not an acknowledgement.
    const answer = await runtimeCommand(socket, command);
    if (!/changed|no need to change/i.test(answer)) {
      throw createError("SLUICE_E_INTERNAL", `HAProxy ${command}: ${answer.trim()}`);
    }
  }
  await runtimeApply(socket, plan.states);
}

/** Waits until the slots have no request in flight (`scur` in `show stat`) or `timeoutMs` passed. */
export async function drainSlots(
  socket: string,
  backend: string,
  slots: number[],
  timeoutMs: number,
): Promise<void> {
  const names = new Set(slots.map((s) => `s${s}`));
  const deadline = Date.now() + timeoutMs;
  while (names.size > 0 && Date.now() < deadline) {
    const { rows } = await workerStatus(socket);
    if (!rows.some((r) => r.pxname === backend && names.has(r.svname!) && Number(r.scur) > 0)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
