/** Targets by `type`, as named in sluice.yml; an unknown type is a config error, never a fallback. */
import { createError } from "../../core/errors";
import { createKubernetesTarget, KUBERNETES_TARGET_TYPE } from "./kubernetes/kubernetes-target";
import { createProcessTarget, PROCESS_TARGET_TYPE } from "./process/process-target";
import type { Target, TargetFactory, TargetOptions } from "./types";

export const targetFactories: Readonly<Record<string, TargetFactory>> = {
  [PROCESS_TARGET_TYPE]: createProcessTarget,
  [KUBERNETES_TARGET_TYPE]: createKubernetesTarget,
};

export function isTargetType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(targetFactories, type);
}

/** Creates the target named `type`; SLUICE_E_CONFIG when no target has that name. */
export function createTarget(type: string, options: TargetOptions = {}): Target {
  const factory = isTargetType(type) ? targetFactories[type] : undefined;
  if (factory === undefined) {
    throw createError(
      "SLUICE_E_CONFIG",
      `unknown deploy target type ${JSON.stringify(type)} (known: ${Object.keys(targetFactories).join(", ")})`,
    );
  }
  return factory(options);
}
