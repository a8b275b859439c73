import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded request, as the server saw it. */
export interface VaultRequest {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly namespace: string | undefined;
}

export interface VaultServerOptions {
  /** Token -> path prefixes (`<mount>/<path>`) it may read; `""` allows everything. */
  readonly tokens?: Readonly<Record<string, readonly string[]>>;
  /**
   * False to act like the vault-lambda-extension's local proxy, which authenticates on the caller's behalf
   * (requests need no token). Default true.
   */
  readonly requireToken?: boolean;
  /** KV v2 mounts served. Default ["secret"]. */
  readonly mounts?: readonly string[];
}

interface Version {
  readonly data: Record<string, unknown>;
  readonly created: string;
  deleted?: string;
}

/**
 * A loopback HTTP server speaking the part of HashiCorp Vault's API the project uses: KV v2 reads
 * (`GET /v1/<mount>/data/<path>[?version=n]`) with `X-Vault-Token` auth, 403 permission denied,
 * 404 missing or deleted (with metadata), 503 when sealed, response bodies shaped like Vault's.
 */
export class VaultServer {
  readonly requests: VaultRequest[] = [];
  private readonly secrets = new Map<string, Version[]>();
  private sealed = false;

  private constructor(
    private readonly server: http.Server,
    private readonly options: VaultServerOptions,
  ) {}

  static async start(options: VaultServerOptions = {}): Promise<VaultServer> {
    const server = http.createServer();
    const vault = new VaultServer(server, options);
    server.on("request", (req, res) => vault.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return vault;
  }

  /** `http://127.0.0.1:<port>` */
  get address(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes a new version of `<mount>/<path>`. */
  put(mount: string, path: string, data: Record<string, unknown>): void {
    const key = `${mount}/${path}`;
    const versions = this.secrets.get(key) ?? [];
    versions.push({ data, created: new Date(Date.UTC(2026, 10, 1) + versions.length * 1000).toISOString() });
    this.secrets.set(key, versions);
  }

  /** Soft-deletes the latest version (KV v2 `DELETE /data/...`). */
  softDelete(mount: string, path: string): void {
    const latest = this.secrets.get(`${mount}/${path}`)?.at(-1);
    if (latest) latest.deleted = new Date(Date.UTC(2026, 10, 2)).toISOString();
  }

  seal(): void {
    this.sealed = true;
  }
  unseal(): void {
    this.sealed = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const token = header(req, "x-vault-token");
    this.requests.push({ method: req.method ?? "", url: req.url ?? "", token, namespace: header(req, "x-vault-namespace") });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end(JSON.stringify(body));
    };
    if (this.sealed) return send(503, { errors: ["Vault is sealed"] });
    const url = new URL(req.url ?? "/", "http://vault");
    const match = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(url.pathname);
    if (req.method !== "GET" || !match) return send(405, { errors: [`unsupported operation ${req.method} ${url.pathname}`] });
    const mount = match[1];
    const path = match[2].split("/").map(decodeURIComponent).join("/");
    if (this.options.requireToken !== false) {
      const allowed = token === undefined ? undefined : this.options.tokens?.[token];
      if (!allowed || !allowed.some((prefix) => `${mount}/${path}`.startsWith(prefix))) return send(403, { errors: ["permission denied"] });
    }
    if (!(this.options.mounts ?? ["secret"]).includes(mount)) {
      return send(404, { errors: [`no handler for route "${mount}/data/${path}". route entry not found.`] });
    }
    const versions = this.secrets.get(`${mount}/${path}`);
    const wanted = url.searchParams.has("version") ? Number(url.searchParams.get("version")) : versions?.length ?? 0;
    const version = versions?.[wanted - 1];
    if (!version) return send(404, { errors: [] });
    const metadata = { created_time: version.created, custom_metadata: null, deletion_time: version.deleted ?? "", destroyed: false, version: wanted };
    if (version.deleted) return send(404, { request_id: "r", lease_id: "", renewable: false, lease_duration: 0, data: { data: null, metadata }, wrap_info: null, warnings: null, auth: null });
    send(200, { request_id: "r", lease_id: "", renewable: false, lease_duration: 0, data: { data: version.data, metadata }, wrap_info: null, warnings: null, auth: null });
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
