/**
 * `kubernetes`: routes through a Gateway API implementation. Each version gets a Service selecting its
 * Pods (the kubernetes target's labels); one HTTPRoute attached to the configured Gateway splits
 * traffic between those Services by weight, plus a header rule for the preview route. The Gateway
 * does the proxying, so this router sees no requests: `metrics()` is null (analysis reads the
 * Gateway's metrics through the `prometheus` provider) and faults cannot be injected.
 */
import { createError } from "../../../core/errors";
import { apiError, connectKube, FIELD_MANAGER, ignoreNotFound } from "../../target/kubernetes/kube-client";
import type { KubeConnection, KubeConnectOptions } from "../../target/kubernetes/kube-client";
import { objectName } from "../../target/kubernetes/names";
import type {
  Backend,
  FaultSpec,
  HeaderRoute,
  Router,
  RouterAddress,
  RouterConfig,
  RouterDeps,
  VersionMetrics,
  Weights,
} from "../types";
import { validateHeaderRoute, validateWeights } from "../weights";
import {
  buildHttpRoute,
  buildVersionService,
  GATEWAY_GROUP,
  GATEWAY_VERSION,
  gatewayAddress,
  routeName,
} from "./manifests";
import { parseKubernetesRouterOptions } from "./options";
import type { KubernetesRouterOptions } from "./options";

export const KUBERNETES_ROUTER_TYPE = "kubernetes";

type Connect = (options: KubeConnectOptions) => Promise<KubeConnection>;

export class KubernetesRouter implements Router {
  readonly type = KUBERNETES_ROUTER_TYPE;
  readonly options: KubernetesRouterOptions;
  private readonly now: () => number;
  private connection: Promise<KubeConnection> | null = null;
  private weights: Weights = {};
  private header: HeaderRoute | null = null;
  /** Versions whose Service this router applied, with the targetPort it has. */
  private readonly services = new Map<string, number>();
  private address: RouterAddress | null = null;
  /** Changes apply one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    options: unknown,
    deps: RouterDeps = {},
    private readonly connect: Connect = connectKube,
  ) {
    this.options = parseKubernetesRouterOptions(options);
    this.now = deps.now ?? Date.now;
  }

  /** Applies the HTTPRoute (when there are weights) and reports where the Gateway takes traffic. */
  start(): Promise<RouterAddress> {
    return this.serial(async () => {
      if (this.address !== null) return this.address;
      const kube = await this.kube();
      if (Object.keys(this.weights).length > 0) {
        await this.applyRoute(kube, this.weights, this.header, "SLUICE_E_ROUTER_START");
      }
      this.address = this.options.address ??
        (await this.readGatewayAddress(kube)) ?? {
          host: this.options.host,
          port: this.options.port,
        };
      return this.address;
    });
  }

  /** Deletes the HTTPRoute and the Services this router applied; the Gateway stops routing to them. */
  stop(): Promise<void> {
    return this.serial(async () => {
      if (this.connection === null) return;
      const kube = await this.kube();
      const namespace = kube.namespace;
      try {
        await ignoreNotFound(
          kube.custom.deleteNamespacedCustomObject({
            group: GATEWAY_GROUP,
            version: GATEWAY_VERSION,
            namespace,
            plural: "httproutes",
            name: routeName(this.options),
          }),
        );
        for (const version of [...this.services.keys()]) {
          const name = objectName(this.options.service, version);
          await ignoreNotFound(kube.core.deleteNamespacedService({ name, namespace }));
          this.services.delete(version);
        }
      } catch (err) {
        throw apiError("SLUICE_E_ROUTER_CONFIG", `cannot remove the routing objects in ${namespace}`, err);
      }
      this.address = null;
    });
  }

  setWeights(weights: Weights): Promise<void> {
    let next: Weights;
    try {
      next = validateWeights(weights);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.serial(async () => {
      if (this.address !== null) {
        await this.applyRoute(await this.kube(), next, this.header, "SLUICE_E_ROUTER_CONFIG");
      }
      this.weights = next;
    });
  }

  async getWeights(): Promise<Weights> {
    return { ...this.weights };
  }

  /**
   * Header routes become an exact header match rule. Cookie routes are refused: matching one cookie
   * needs a RegularExpression header match, which Gateway API leaves implementation-specific.
   */
  setHeaderRoute(route: HeaderRoute | null): Promise<void> {
    let next: HeaderRoute | null;
    try {
      next = route === null ? null : validateHeaderRoute(route);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (next !== null && !("header" in next)) {
      return Promise.reject(
        createError(
          "SLUICE_E_ROUTER_CONFIG",
          "The kubernetes router matches headers only: a cookie route needs a RegularExpression match, which Gateway API leaves implementation-specific.",
        ),
      );
    }
    return this.serial(async () => {
      if (this.address !== null && Object.keys(this.weights).length > 0) {
        await this.applyRoute(await this.kube(), this.weights, next, "SLUICE_E_ROUTER_CONFIG");
      }
      this.header = next;
    });
  }

  /**
   * Creates or updates the version's Service, which selects its Pods by label: the Service, not this
   * list, decides which Pods take traffic, so only the port (the Service's targetPort) is read from
   * it. An empty list deletes the Service; the route's share for the version then fails until it
   * returns, as the Gateway answers for a backend it cannot resolve.
   */
  setBackends(version: string, backends: Backend[]): Promise<void> {
    const port = backends[0]?.port;
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      return Promise.reject(
        createError("SLUICE_E_ROUTER_CONFIG", `Backend port ${port} of ${version} is invalid.`),
      );
    }
    return this.serial(async () => {
      if (port === undefined && !this.services.has(version)) return;
      if (port !== undefined && this.services.get(version) === port) return;
      const kube = await this.kube();
      const name = objectName(this.options.service, version);
      try {
        if (port === undefined) {
          await ignoreNotFound(kube.core.deleteNamespacedService({ name, namespace: kube.namespace }));
          this.services.delete(version);
          return;
        }
        const body = buildVersionService(this.options, kube.namespace, version, port);
        await kube.core.patchNamespacedService(
          { name, namespace: kube.namespace, body, fieldManager: FIELD_MANAGER, force: true },
          kube.applyOptions,
        );
        this.services.set(version, port);
      } catch (err) {
        throw apiError("SLUICE_E_ROUTER_CONFIG", `cannot update Service ${kube.namespace}/${name}`, err);
      }
    });
  }

  /** Always null: requests go through the Gateway, not Sluice; use the `prometheus` metric provider. */
  async metrics(_version: string): Promise<VersionMetrics | null> {
    return null;
  }

  /**
   * Gateway API has no fault injection filter, so a fault is refused (SLUICE_E_ROUTER_CONFIG); one
   * whose `until` has passed clears nothing and resolves.
   */
  async injectFault(fault: FaultSpec): Promise<void> {
    if (fault.until <= this.now()) return;
    throw createError(
      "SLUICE_E_ROUTER_CONFIG",
      "Fault injection needs the builtin router: Gateway API (kubernetes router) has no fault filter.",
    );
  }

  private kube(): Promise<KubeConnection> {
    if (this.connection === null) {
      const { kubeconfig, context, namespace } = this.options;
      this.connection = this.connect({ kubeconfig, context, namespace });
      this.connection.catch(() => (this.connection = null));
    }
    return this.connection;
  }

  private async applyRoute(
    kube: KubeConnection,
    weights: Weights,
    header: HeaderRoute | null,
    code: "SLUICE_E_ROUTER_START" | "SLUICE_E_ROUTER_CONFIG",
  ): Promise<void> {
    const body = buildHttpRoute(this.options, kube.namespace, weights, header);
    try {
      await kube.custom.patchNamespacedCustomObject(
        {
          group: GATEWAY_GROUP,
          version: GATEWAY_VERSION,
          namespace: kube.namespace,
          plural: "httproutes",
          name: body.metadata.name,
          body,
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        kube.applyOptions,
      );
    } catch (err) {
      throw apiError(code, `cannot apply HTTPRoute ${kube.namespace}/${body.metadata.name}`, err);
    }
  }

  /** The Gateway's address from its status; null when it has none yet or cannot be read. */
  private async readGatewayAddress(kube: KubeConnection): Promise<RouterAddress | null> {
    const { name, namespace, sectionName } = this.options.gateway;
    try {
      const gateway: unknown = await kube.custom.getNamespacedCustomObject({
        group: GATEWAY_GROUP,
        version: GATEWAY_VERSION,
        namespace: namespace ?? kube.namespace,
        plural: "gateways",
        name,
      });
      return gatewayAddress(gateway, sectionName);
    } catch {
      return null;
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}

export function createKubernetesRouter(config: RouterConfig, deps: RouterDeps): Router {
  const { type: _type, ...options } = config;
  return new KubernetesRouter(options, deps);
}
