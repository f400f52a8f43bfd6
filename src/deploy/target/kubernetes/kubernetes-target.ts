/**
 * The `kubernetes` target: one Deployment per version (`<service>-<version>`), server-side applied
 * with Sluice as field manager. The cluster is the state: a restarted controller finds its versions
 * by label (`recover`), and `status()`/`listInstances()` read a Pod list kept fresh by polling, since
 * the Target interface reads them synchronously. The manifests are built in manifests.ts (pure).
 */
import type { V1Pod } from "@kubernetes/client-node";
import { createError } from "../../../core/errors";
import type { InstanceStatus } from "../../strategy/types";
import type { DeployResult, DeploySpec, InstanceInfo, Target, TargetOptions } from "../types";
import { apiError, connectKube, FIELD_MANAGER, ignoreNotFound, isNotFound } from "./kube-client";
import type { KubeConnection, KubeConnectOptions } from "./kube-client";
import { buildDeployment, DEFAULT_DRAIN_MS, scalePatch, seconds } from "./manifests";
import { labelSelector, objectName, serviceSelector, versionSelector } from "./names";
import { parseKubernetesTargetSettings } from "./options";
import type { KubernetesTargetSettings } from "./options";
import { isLivePod, isPodReady, podInstances, podStatus, podVersion } from "./pods";

export const KUBERNETES_TARGET_TYPE = "kubernetes";
const DEFAULT_READY_TIMEOUT_MS = 60_000;
/** Pods of a stopped version get this long past their drain to disappear before `stop` gives up. */
const STOP_MARGIN_MS = 30_000;

interface VersionEntry {
  /** The spec it was first deployed with; null for a version found by `recover`. */
  spec: DeploySpec | null;
}

type Connect = (options: KubeConnectOptions) => Promise<KubeConnection>;

export class KubernetesTarget implements Target {
  readonly type = KUBERNETES_TARGET_TYPE;
  readonly settings: KubernetesTargetSettings;
  private readonly versions = new Map<string, VersionEntry>();
  private connection: Promise<KubeConnection> | null = null;
  private pods: V1Pod[] = [];
  private poller: NodeJS.Timeout | null = null;
  private closed = false;
  /** The last failed Pod list (shown by nothing yet; kept for debugging and tests). */
  lastPollError: string | null = null;

  constructor(
    options: TargetOptions = {},
    private readonly connect: Connect = connectKube,
  ) {
    this.settings = parseKubernetesTargetSettings(options.settings);
  }

  async deploy(version: string, spec: DeploySpec): Promise<DeployResult> {
    checkInstances(version, spec.instances);
    // Built before any API call: a spec no Deployment can express fails without touching the cluster.
    const manifest = buildDeployment(this.settings, this.settings.namespace ?? "", version, spec);
    const kube = await this.kube();
    const name = objectName(this.settings.service, version);
    manifest.metadata!.namespace = kube.namespace;
    const existing = await this.readDeployment(kube, name);
    if (existing) {
      if (!this.versions.has(version)) this.versions.set(version, { spec: { ...spec } });
      return this.scale(version, spec.instances);
    }
    try {
      await kube.apps.patchNamespacedDeployment(
        { name, namespace: kube.namespace, body: manifest, fieldManager: FIELD_MANAGER, force: true },
        kube.applyOptions,
      );
    } catch (err) {
      throw apiError("SLUICE_E_TARGET", `cannot apply Deployment ${kube.namespace}/${name}`, err);
    }
    this.versions.set(version, { spec: { ...spec } });
    this.startPolling();
    return this.waitReady(kube, version, spec.instances);
  }

  async scale(version: string, instances: number): Promise<DeployResult> {
    checkInstances(version, instances);
    const kube = await this.kube();
    const name = objectName(this.settings.service, version);
    try {
      await kube.apps.patchNamespacedDeployment(
        { name, namespace: kube.namespace, body: scalePatch(instances), fieldManager: FIELD_MANAGER },
        kube.mergePatchOptions,
      );
    } catch (err) {
      if (isNotFound(err)) {
        this.versions.delete(version);
        throw createError("SLUICE_E_TARGET", `version ${version} is not deployed`);
      }
      throw apiError("SLUICE_E_TARGET", `cannot scale Deployment ${kube.namespace}/${name}`, err);
    }
    if (!this.versions.has(version)) this.versions.set(version, { spec: null });
    this.startPolling();
    return this.waitReady(kube, version, instances);
  }

  /**
   * Scales the Deployment to 0 (so nothing replaces the Pods), deletes its Pods with `drainMs` as
   * their grace period (it can shorten, not lengthen, the template's terminationGracePeriodSeconds,
   * set from the spec's drainMs at deploy), deletes the Deployment and waits for the Pods to go.
   */
  async stop(version: string, options: { drainMs?: number } = {}): Promise<void> {
    const entry = this.versions.get(version);
    this.versions.delete(version);
    if (entry === undefined && this.connection === null) return;
    const kube = await this.kube();
    const name = objectName(this.settings.service, version);
    const drainMs = options.drainMs ?? entry?.spec?.drainMs ?? DEFAULT_DRAIN_MS;
    const selector = labelSelector(versionSelector(this.settings.service, version));
    const namespace = kube.namespace;
    try {
      await ignoreNotFound(
        kube.apps.patchNamespacedDeployment(
          { name, namespace, body: scalePatch(0), fieldManager: FIELD_MANAGER },
          kube.mergePatchOptions,
        ),
      );
      await kube.core.deleteCollectionNamespacedPod({
        namespace,
        labelSelector: selector,
        gracePeriodSeconds: seconds(drainMs),
      });
      await ignoreNotFound(
        kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: "Background" }),
      );
    } catch (err) {
      throw apiError("SLUICE_E_TARGET", `cannot stop Deployment ${namespace}/${name}`, err);
    }
    const deadline = Date.now() + drainMs + STOP_MARGIN_MS;
    while (Date.now() < deadline) {
      const left = await kube.core.listNamespacedPod({ namespace, labelSelector: selector }).then(
        (list) => list.items.length,
        () => 1,
      );
      if (left === 0) break;
      await sleep(Math.min(this.settings.pollInterval, 500));
    }
    this.pods = this.pods.filter((p) => podVersion(p) !== version);
  }

  listInstances(): InstanceInfo[] {
    return podInstances(this.pods, [...this.versions.keys()], this.settings.port);
  }

  status(): Record<string, InstanceStatus> {
    return podStatus(this.pods, [...this.versions.keys()]);
  }

  /**
   * Lists the service's Deployments that Sluice manages and takes them over (`adopt: false` deletes
   * them). The cluster keeps running what it ran while no controller watched.
   */
  async recover(options: { adopt?: boolean } = {}): Promise<string[]> {
    const kube = await this.kube();
    let found: string[];
    try {
      const list = await kube.apps.listNamespacedDeployment({
        namespace: kube.namespace,
        labelSelector: serviceSelector(this.settings.service),
      });
      found = list.items.flatMap((d) => {
        const v = podVersion({ metadata: d.metadata });
        return v === null ? [] : [v];
      });
    } catch (err) {
      throw apiError("SLUICE_E_TARGET", `cannot list Deployments in ${kube.namespace}`, err);
    }
    if (options.adopt === false) {
      for (const v of found) await this.stop(v, { drainMs: 0 });
      return [];
    }
    for (const v of found) if (!this.versions.has(v)) this.versions.set(v, { spec: null });
    await this.refreshPods(kube);
    this.startPolling();
    return [...this.versions.keys()];
  }

  /** Stops every version this target manages (the Target contract) and the Pod polling. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const v of [...this.versions.keys()]) await this.stop(v);
    } finally {
      if (this.poller !== null) clearTimeout(this.poller);
      this.poller = null;
    }
  }

  private kube(): Promise<KubeConnection> {
    if (this.connection === null) {
      const { kubeconfig, context, namespace } = this.settings;
      this.connection = this.connect({ kubeconfig, context, namespace });
      this.connection.catch(() => (this.connection = null));
    }
    return this.connection;
  }

  private async readDeployment(kube: KubeConnection, name: string): Promise<boolean> {
    try {
      await kube.apps.readNamespacedDeployment({ name, namespace: kube.namespace });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw apiError("SLUICE_E_TARGET", `cannot read Deployment ${kube.namespace}/${name}`, err);
    }
  }

  /** Polls Pods until `wanted` live ones are ready and no others remain, or the timeout. */
  private async waitReady(kube: KubeConnection, version: string, wanted: number): Promise<DeployResult> {
    const spec = this.versions.get(version)?.spec;
    const deadline = Date.now() + (spec?.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let ready = 0;
    while (true) {
      await this.refreshPods(kube);
      const live = this.pods.filter((p) => podVersion(p) === version && isLivePod(p));
      ready = live.filter(isPodReady).length;
      if ((ready === wanted && live.length === wanted) || Date.now() >= deadline || this.closed) break;
      await sleep(Math.min(this.settings.pollInterval, 250));
    }
    return { version, wanted, ready };
  }

  private async refreshPods(kube: KubeConnection): Promise<void> {
    try {
      const list = await kube.core.listNamespacedPod({
        namespace: kube.namespace,
        labelSelector: serviceSelector(this.settings.service),
      });
      this.pods = list.items;
      this.lastPollError = null;
    } catch (err) {
      // A failed list keeps the last view: instances do not vanish because the API server blinked.
      this.lastPollError = apiError("SLUICE_E_TARGET", "cannot list Pods", err).message;
    }
  }

  private startPolling(): void {
    if (this.poller !== null || this.closed) return;
    const tick = (): void => {
      void this.kube()
        .then((kube) => this.refreshPods(kube))
        .catch(() => {})
        .finally(() => {
          if (this.closed) return;
          this.poller = setTimeout(tick, this.settings.pollInterval);
          this.poller.unref();
        });
    };
    this.poller = setTimeout(tick, this.settings.pollInterval);
    this.poller.unref();
  }
}

function checkInstances(version: string, instances: number): void {
  if (version === "") throw createError("SLUICE_E_TARGET", "a version needs a name");
  if (!Number.isInteger(instances) || instances < 0) {
    throw createError("SLUICE_E_TARGET", `cannot run ${instances} instances of ${version}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createKubernetesTarget(options: TargetOptions): KubernetesTarget {
  return new KubernetesTarget(options);
}
