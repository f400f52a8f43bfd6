import type http from "node:http";

/** Counters a test reads to see what reached a backend. */
export interface BackendStats {
  requests: number;
  inFlight: number;
}

export interface RunningBackend {
  version: string;
  host: string;
  port: number;
  stats: BackendStats;
  server: http.Server;
  /** Stops accepting; resolves when every connection has closed. Idempotent only in effect. */
  close(): Promise<void>;
}

export function createBackendServer(version: string): { server: http.Server; stats: BackendStats };
export function startNodeBackend(options: {
  version: string;
  host?: string;
  port?: number;
}): Promise<RunningBackend>;
