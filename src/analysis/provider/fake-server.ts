/**
 * A tiny in-process HTTP server for provider tests: routes by path to a handler that returns a status
 * and a JSON body (or `hang` to never answer, for timeout tests). Records every request URL.
 */
import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeResponse = { status?: number; json?: unknown; text?: string } | "hang";

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request's path and query, in arrival order. */
  requests: URL[];
  close(): Promise<void>;
}

export async function startFakeServer(
  handle: (url: URL, req: IncomingMessage) => FakeResponse,
): Promise<FakeServer> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    const answer = handle(url, req);
    if (answer === "hang") return; // left open until close() destroys the connection
    res.writeHead(answer.status ?? 200, {
      "content-type": answer.text !== undefined ? "text/plain" : "application/json",
    });
    res.end(answer.text ?? JSON.stringify(answer.json));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An address where nothing listens: a port that was just bound and released. */
export async function unusedAddress(): Promise<string> {
  const s = await startFakeServer(() => ({ json: {} }));
  await s.close();
  return s.url;
}
