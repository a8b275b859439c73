import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback S3 endpoint (path-style) for GetObject and PutObject that honours conditional writes like S3:
 * `If-None-Match: *` fails with 412 when the key exists, `If-Match: <etag>` fails with 412 when the ETag
 * differs (404 NoSuchKey when the key is gone). Errors are S3's XML documents, so the real SDK's
 * deserialiser is exercised (s3rver ignores these headers, hence this server).
 */
export class S3Server {
  readonly objects = new Map<string, { body: Buffer; etag: string }>();
  readonly requests: { method: string; path: string; ifMatch?: string; ifNoneMatch?: string }[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<S3Server> {
    const server = http.createServer();
    const s3 = new S3Server(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => s3.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://s3").pathname.slice(1));
    const ifMatch = req.headers["if-match"] as string | undefined;
    const ifNoneMatch = req.headers["if-none-match"] as string | undefined;
    this.requests.push({ method: req.method ?? "", path, ...(ifMatch ? { ifMatch } : {}), ...(ifNoneMatch ? { ifNoneMatch } : {}) });
    const error = (status: number, code: string, message: string): void => {
      res.writeHead(status, { "Content-Type": "application/xml", "x-amz-request-id": "req" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Key>${path}</Key><RequestId>req</RequestId></Error>`);
    };
    const current = this.objects.get(path);
    if (req.method === "GET") {
      if (!current) return error(404, "NoSuchKey", "The specified key does not exist.");
      res.writeHead(200, { "Content-Type": "application/json", ETag: current.etag, "Content-Length": current.body.length });
      res.end(current.body);
      return;
    }
    if (req.method === "PUT") {
      if (ifNoneMatch === "*" && current) return error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
      if (ifMatch !== undefined) {
        if (!current) return error(404, "NoSuchKey", "The specified key does not exist.");
        if (current.etag !== ifMatch) return error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
      }
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      this.objects.set(path, { body, etag });
      res.writeHead(200, { ETag: etag });
      res.end();
      return;
    }
    error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }
}
