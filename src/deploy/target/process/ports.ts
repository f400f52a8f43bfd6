/**
 * Free loopback ports. The OS picks one (listen on port 0), the probe socket closes, and the port is
 * handed to an instance. Ports handed out and not yet released are never handed out twice in this
 * process; a port some other program takes in between makes the instance exit, and its restart gets
 * a new port.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { createError } from "../../../core/errors";

const inUse = new Set<number>();

function probe(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function allocatePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe(host);
    if (inUse.has(port)) continue;
    inUse.add(port);
    return port;
  }
  throw createError("SLUICE_E_TARGET", `no free port on ${host}`);
}

export function releasePort(port: number): void {
  inUse.delete(port);
}

/** Marks a port taken (an adopted instance's). */
export function claimPort(port: number): void {
  inUse.add(port);
}
