/**
 * What the nginx router holds between changes, as an immutable value: a change builds the next state,
 * nginx checks the config rendered from it, and only then does it replace the current one — so a
 * change nginx refuses leaves both the running nginx and the router's view as they were.
 */
import { createError } from "../../../core/errors";
import type { Backend, HeaderRoute, Weights } from "../types";
import { validateBackends, validateHeaderRoute } from "../weights";
import type { ConfigFault, ConfigRoute, ConfigVersion, NginxConfigInput } from "./nginx-config";

export interface ActiveFault {
  errorRate: number;
  status: number;
  until: number;
}

export interface RouterState {
  /** Normalised (validateWeights) or null before the first setWeights. */
  readonly weights: Weights | null;
  readonly backends: ReadonlyMap<string, readonly Backend[]>;
  readonly route: HeaderRoute | null;
  /** By version name, `*` for every version. */
  readonly faults: ReadonlyMap<string, ActiveFault>;
}

export const EMPTY_STATE: RouterState = {
  weights: null,
  backends: new Map(),
  route: null,
  faults: new Map(),
};

/** Version names ↔ config tokens; tokens are never reused, so old log lines still map right. */
export class VersionTokens {
  private readonly tokens = new Map<string, string>();
  private readonly names = new Map<string, string>();

  tokenOf(version: string): string {
    let token = this.tokens.get(version);
    if (token === undefined) {
      token = `s${this.tokens.size + 1}`;
      this.tokens.set(version, token);
      this.names.set(token, version);
    }
    return token;
  }

  versionOf(token: string): string | undefined {
    return this.names.get(token);
  }
}

/** The config input for a state; faults whose `until` is not after `now` are left out. */
export function configFromState(
  state: RouterState,
  tokens: VersionTokens,
  now: number,
): Pick<NginxConfigInput, "versions" | "split" | "route" | "faults"> {
  const versions: ConfigVersion[] = [...state.backends].map(([name, backends]) => ({
    token: tokens.tokenOf(name),
    backends,
  }));
  const split = Object.entries(state.weights ?? {}).map(([name, percent]) => ({
    token: tokens.tokenOf(name),
    percent,
  }));
  const r = state.route;
  const route: ConfigRoute | null =
    r === null
      ? null
      : "header" in r
        ? { kind: "header", name: r.header, value: r.value, token: tokens.tokenOf(r.version) }
        : { kind: "cookie", name: r.cookie, value: r.value, token: tokens.tokenOf(r.version) };
  const faults: ConfigFault[] = [];
  for (const [scope, f] of state.faults) {
    if (f.until <= now || f.errorRate === 0) continue;
    faults.push({
      token: scope === "*" ? null : tokens.tokenOf(scope),
      errorRate: f.errorRate,
      status: f.status,
    });
  }
  return { versions, split, route, faults };
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[?[0-9A-Fa-f:.]+\]?)$/;

/** Checks instances for what nginx can take (a host it can write into its config); throws SLUICE_E_ROUTER_CONFIG. */
export function validateNginxBackends(version: string, backends: readonly Backend[]): Backend[] {
  validateBackends(version, backends);
  const out: Backend[] = [];
  for (const b of backends) {
    if (!HOST.test(b.host)) {
      throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid backend ${JSON.stringify(b)} for "${version}".`);
    }
    if (!out.some((o) => o.host === b.host && o.port === b.port)) out.push({ host: b.host, port: b.port });
  }
  return out;
}

/**
 * validateHeaderRoute plus what nginx needs: a name it can read as a variable (`$http_x_preview`,
 * `${cookie_name}`) and a non-empty value on one line.
 */
export function validateNginxRoute(route: HeaderRoute): HeaderRoute {
  const valid = validateHeaderRoute(route);
  const name = "header" in valid ? valid.header : valid.cookie;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw createError(
      "SLUICE_E_ROUTER_CONFIG",
      `The nginx router reads preview headers and cookies named with letters, digits, "-" and "_" only, got "${name}".`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (valid.value === "" || /[\u0000-\u001f\u007f]/.test(valid.value)) {
    throw createError(
      "SLUICE_E_ROUTER_CONFIG",
      "A preview route value must be non-empty, without control characters.",
    );
  }
  return valid;
}

/** True when some version loses an instance it had. */
export function removesInstances(from: RouterState, to: RouterState): boolean {
  for (const [version, old] of from.backends) {
    const now = to.backends.get(version) ?? [];
    if (old.some((b) => !now.some((n) => n.host === b.host && n.port === b.port))) return true;
  }
  return false;
}

/** Where to connect to reach a listener on `host` (a wildcard address is reached on loopback). */
export function probeHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "::1";
  return host.replace(/^\[(.*)\]$/, "$1");
}
