/**
 * The one place that loads @kubernetes/client-node (shared by the kubernetes target and router). It
 * is a large module (its generated API client bundles to ≈ 15 MB), so it loads on first use through a
 * dynamic import: commands that never touch a cluster do not pay for it.
 */
import type {
  AppsV1Api,
  ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from "@kubernetes/client-node";
import type * as KubeClient from "@kubernetes/client-node";
import { createError } from "../../../core/errors";
import type { ErrorCode } from "../../../core/errors";

type KubeModule = typeof KubeClient;

let loading: Promise<KubeModule> | null = null;

function loadKubeModule(): Promise<KubeModule> {
  loading ??= import("@kubernetes/client-node");
  return loading;
}

/** Where to find the cluster: a kubeconfig file and context (defaults as kubectl's). */
export interface KubeConnectOptions {
  /** A kubeconfig file; default $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** A context of the kubeconfig; default its current context. */
  context?: string;
  /** Overrides the context's namespace. */
  namespace?: string;
}

export interface KubeConnection {
  config: KubeConfig;
  /** The namespace objects go to: the option, else the context's, else `default`. */
  namespace: string;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Request options for a server-side apply patch (`application/apply-patch+yaml`; JSON is YAML). */
  applyOptions: ConfigurationOptions;
  /** Request options for a JSON merge patch. */
  mergePatchOptions: ConfigurationOptions;
}

/** Loads the client and the kubeconfig; SLUICE_E_CONFIG when the kubeconfig or context is unusable. */
export async function connectKube(options: KubeConnectOptions): Promise<KubeConnection> {
  const k8s = await loadKubeModule();
  const config = new k8s.KubeConfig();
  try {
    if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (err) {
    throw createError("SLUICE_E_CONFIG", `cannot load the kubeconfig: ${errorText(err)}`, { cause: err });
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      throw createError("SLUICE_E_CONFIG", `kubeconfig has no context ${JSON.stringify(options.context)}`);
    }
    config.setCurrentContext(options.context);
  }
  if (config.getCurrentCluster() === null) {
    throw createError(
      "SLUICE_E_CONFIG",
      "the kubeconfig names no cluster (set KUBECONFIG or target.kubeconfig)",
    );
  }
  const context = config.getContextObject(config.getCurrentContext());
  return {
    config,
    namespace: options.namespace ?? context?.namespace ?? "default",
    apps: config.makeApiClient(k8s.AppsV1Api),
    core: config.makeApiClient(k8s.CoreV1Api),
    custom: config.makeApiClient(k8s.CustomObjectsApi),
    applyOptions: k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
    mergePatchOptions: k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  };
}

/** The field manager Sluice's server-side applies use. */
export const FIELD_MANAGER = "sluice";

/** The HTTP status of a failed API call, or null when it never got an answer. */
export function apiStatus(err: unknown): number | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : null;
}

export function isNotFound(err: unknown): boolean {
  return apiStatus(err) === 404;
}

/** Awaits a call, treating 404 (already gone) as done. */
export async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The API server's own message (a Status object's `message`) when there is one. */
export function errorText(err: unknown): string {
  const body = (err as { body?: unknown } | null)?.body;
  const parsed = typeof body === "string" ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | null)?.message;
  if (typeof message === "string") return message;
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a failed API call in a Sluice error with the server's message. */
export function apiError(code: ErrorCode, what: string, err: unknown): Error {
  const status = apiStatus(err);
  return createError(code, `${what}: ${status === null ? "" : `HTTP ${status}: `}${errorText(err)}`, {
    cause: err,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
