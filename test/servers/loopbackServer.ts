import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

/** Request bodies and headers as the loopback handlers see them. */
export interface LoopbackRequest {
  readonly method: string;
  /** Path without the query string and without a trailing slash (the Splunk SDK sends them). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface LoopbackReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** A running server on 127.0.0.1 (random port). */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` or `https://…`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** TLS key and certificate for an HTTPS loopback server. */
export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/**
 * Starts a server on 127.0.0.1 that reads each request body fully and answers with `handle`'s reply.
 * A handler that throws answers 500 with the error message (so test mistakes show up, not hang).
 */
export async function startLoopbackServer(handle: (req: LoopbackRequest) => LoopbackReply | Promise<LoopbackReply>, tls?: TlsMaterial): Promise<RunningServer> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
      Promise.resolve()
        .then(() => handle({ method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") }))
        .then(
          (reply) => {
            res.writeHead(reply.status, { "Content-Length": String(Buffer.byteLength(reply.body)), ...reply.headers });
            res.end(reply.body);
          },
          (err: unknown) => {
            const text = err instanceof Error ? err.message : String(err);
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(`loopback handler failed: ${text}`);
          },
        );
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A JSON reply with the content type the Splunk SDK and our clients require. */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): LoopbackReply {
  return { status, headers: { "Content-Type": "application/json; charset=UTF-8", ...headers }, body: JSON.stringify(value) };
}
