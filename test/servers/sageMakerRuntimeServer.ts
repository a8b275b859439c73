import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer: a status, the error type header SageMaker sets on errors, and a JSON body. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly errorType?: string;
  readonly body: unknown;
}

export interface InvocationRequest {
  readonly endpoint: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly body: string;
}

/**
 * A loopback SageMaker Runtime (`POST /endpoints/<name>/invocations`, restJson1 errors with
 * `x-amzn-ErrorType`). Answers come from a script, then from `score(rows)` (default: one score per row, the sum
 * of its features), so tests exercise the real SDK's request serialisation and error deserialisation.
 */
export class SageMakerRuntimeServer {
  readonly requests: InvocationRequest[] = [];
  readonly script: ScriptedAnswer[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<SageMakerRuntimeServer> {
    const server = http.createServer();
    const sm = new SageMakerRuntimeServer(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => sm.handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return sm;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(req.url ?? "");
    const send = (a: ScriptedAnswer): void => {
      res.writeHead(a.status, { "Content-Type": "application/json", "x-amzn-RequestId": "req", ...(a.errorType ? { "x-amzn-ErrorType": a.errorType } : {}) });
      res.end(JSON.stringify(a.body));
    };
    if (req.method !== "POST" || !match) return send({ status: 404, errorType: "UnknownOperationException", body: { message: `no route ${req.method} ${req.url}` } });
    const request = { endpoint: decodeURIComponent(match[1]), contentType: req.headers["content-type"], accept: req.headers.accept, body };
    this.requests.push(request);
    const scripted = this.script.shift();
    if (scripted) return send(scripted);
    const rows =
      request.contentType === "text/csv"
        ? body.split("\n").map((line) => line.split(",").map(Number))
        : (JSON.parse(body) as { instances: { features: number[] }[] }).instances.map((i) => i.features);
    send({ status: 200, body: { scores: rows.map((r) => ({ score: r.reduce((a, b) => a + b, 0) })) } });
  }
}
