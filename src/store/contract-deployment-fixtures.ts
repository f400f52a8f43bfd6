/** Shared fixtures of the deployment contract suites (contract-deployments.ts and its parts). */
import { expect } from "vitest";
import type { ErrorCode } from "../core/errors";
import type { NewDeployment } from "./deployment-types";
import type { Store } from "./types";

export type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

export function newDeployment(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    environment: "production",
    version: "1.2.0",
    previousVersion: "1.1.0",
    strategy: "canary",
    phase: "Progressing",
    spec: { steps: [{ setWeight: 20 }, { pause: { duration: "30s" } }], name: "web" },
    state: { stepIndex: 0, weights: { stable: 100, canary: 0 } },
    actor: "alice",
    runId: null,
    ref: "refs/heads/main",
    sha: "c".repeat(40),
    artifact: "sha256:" + "d".repeat(64),
    ...overrides,
  };
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3));
