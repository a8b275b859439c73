import type { Clock, Log, Secrets } from "../../ports";
import { CadError } from "../../errors/CadError";

/** Where the vault-lambda-extension's proxy listens inside a Lambda. */
export const LAMBDA_EXTENSION_ADDRESS = "http://127.0.0.1:8200";

export interface VaultSecretsOptions {
  /** Vault's base URL: the extension proxy ({@link LAMBDA_EXTENSION_ADDRESS}) in Lambda, or any Vault server. */
  readonly address: string;
  /** KV v2 mount. Default `secret`. */
  readonly mount?: string;
  /** Sent as X-Vault-Token. Leave out through the extension proxy: it authenticates with the Lambda's role. */
  readonly token?: string;
  /** Vault Enterprise / HCP namespace (X-Vault-Namespace). */
  readonly namespace?: string;
  /** How long a read secret is served from memory, ms. Default 5 min; 0 disables caching. */
  readonly ttlMs?: number;
  /** Per-request timeout, ms. Default 5 s. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** Gets paths and key names only, never values. */
  readonly log?: Log;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
}

export type VaultErrorKind = "forbidden" | "not-found" | "deleted" | "sealed" | "unavailable" | "unreachable" | "bad-response";

/** A secret could not be read. The message names the path and the cause, never a value. */
export class VaultError extends CadError {
  constructor(
    readonly kind: VaultErrorKind,
    readonly path: string,
    message: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, "VaultError", { cause });
  }
}

interface CacheEntry {
  readonly data: Readonly<Record<string, string>>;
  readonly expiresAt: number;
}

const isLoopback = (host: string): boolean => host === "127.0.0.1" || host === "localhost" || host === "[::1]";

/**
 * Reads secrets from HashiCorp Vault's KV v2 engine over its HTTP API (`GET /v1/<mount>/data/<path>`),
 * directly with a token or through the vault-lambda-extension's local proxy. Caches each secret for `ttlMs`
 * and shares one request between concurrent reads of the same path. Fails with a VaultError whose kind and
 * message say what to fix: permission (403), missing or deleted (404), sealed or unavailable (503),
 * unreachable (connection or timeout). Values never reach a log or an error message.
 */
export class VaultSecrets implements Secrets {
  private readonly base: URL;
  private readonly mount: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Readonly<Record<string, string>>>>();

  constructor(private readonly options: VaultSecretsOptions) {
    let base: URL;
    try {
      base = new URL(options.address);
    } catch {
      throw new Error(`VaultSecrets: address ${JSON.stringify(options.address)} is not a URL (expected e.g. ${LAMBDA_EXTENSION_ADDRESS})`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error(`VaultSecrets: address must be http(s), got ${base.protocol}`);
    if (options.token !== undefined && base.protocol === "http:" && !isLoopback(base.hostname)) {
      throw new Error(`VaultSecrets: refusing to send a Vault token over plain http to ${base.hostname}; use https`);
    }
    this.base = base;
    this.mount = options.mount ?? "secret";
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(this.mount)) throw new Error(`VaultSecrets: mount ${JSON.stringify(this.mount)} is not a valid mount path`);
    this.ttlMs = options.ttlMs ?? 300_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Options from the environment, as the Lambda extension and the Vault CLI name them: VAULT_ADDR (default the
   * extension proxy), VAULT_TOKEN (optional), VAULT_NAMESPACE (optional). `overrides` wins.
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>>, overrides: Partial<VaultSecretsOptions> = {}): VaultSecrets {
    return new VaultSecrets({
      address: env.VAULT_ADDR || LAMBDA_EXTENSION_ADDRESS,
      ...(env.VAULT_TOKEN ? { token: env.VAULT_TOKEN } : {}),
      ...(env.VAULT_NAMESPACE ? { namespace: env.VAULT_NAMESPACE } : {}),
      ...overrides,
    });
  }

  async read(path: string): Promise<Readonly<Record<string, string>>> {
    if (!/^[^/]+(\/[^/]+)*$/.test(path) || path.split("/").some((s) => s === "." || s === "..")) {
      throw new Error(`VaultSecrets: secret path ${JSON.stringify(path)} is invalid: expected "a/b/c" relative to the mount`);
    }
    const now = this.now();
    const cached = this.cache.get(path);
    if (cached && cached.expiresAt > now) return cached.data;
    const pending = this.inFlight.get(path);
    if (pending) return pending;
    const request = this.fetchSecret(path).finally(() => this.inFlight.delete(path));
    this.inFlight.set(path, request);
    const data = await request;
    if (this.ttlMs > 0) this.cache.set(path, { data, expiresAt: this.now() + this.ttlMs });
    return data;
  }

  /** Forgets cached secrets (all, or one path): e.g. after a credential was rejected. */
  invalidate(path?: string): void {
    if (path === undefined) this.cache.clear();
    else this.cache.delete(path);
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  private async fetchSecret(path: string): Promise<Readonly<Record<string, string>>> {
    const name = `${this.mount}/${path}`;
    const url = new URL(`v1/${this.mount}/data/${path.split("/").map(encodeURIComponent).join("/")}`, this.base.href.endsWith("/") ? this.base : `${this.base.href}/`);
    const headers: Record<string, string> = { "X-Vault-Request": "true" };
    if (this.options.token !== undefined) headers["X-Vault-Token"] = this.options.token;
    if (this.options.namespace !== undefined) headers["X-Vault-Namespace"] = this.options.namespace;
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, { method: "GET", headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      const why = (error as Error).name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : cause;
      const hint = this.base.href.startsWith(LAMBDA_EXTENSION_ADDRESS) ? " (is the vault-lambda-extension layer attached, and did it authenticate?)" : "";
      throw new VaultError("unreachable", path, `Vault at ${this.base.origin} is unreachable reading "${name}": ${why}${hint}`, undefined, error);
    }
    const text = await response.text();
    let body: { errors?: unknown; data?: { data?: unknown; metadata?: { deletion_time?: string; version?: number } } } | undefined;
    try {
      body = text ? (JSON.parse(text) as typeof body) : undefined;
    } catch {
      body = undefined;
    }
    const vaultErrors = Array.isArray(body?.errors) ? body.errors.map(String).join("; ").slice(0, 300) : "";
    const detail = vaultErrors ? ` (Vault says: ${vaultErrors})` : "";
    switch (response.status) {
      case 200:
        break;
      case 403:
        throw new VaultError("forbidden", path, `Vault denied reading "${name}" (403): the token or the Lambda role's Vault policy does not allow read on ${this.mount}/data/${path}${detail}`, 403);
      case 404: {
        const meta = body?.data?.metadata;
        if (meta?.deletion_time) {
          throw new VaultError("deleted", path, `Vault secret "${name}" version ${meta.version ?? "?"} was deleted at ${meta.deletion_time}: restore it or write a new version`, 404);
        }
        throw new VaultError("not-found", path, `Vault has no secret at "${name}" (404): check the path and that "${this.mount}" is a KV v2 mount${detail}`, 404);
      }
      case 503:
        if (/sealed/i.test(vaultErrors)) throw new VaultError("sealed", path, `Vault is sealed (503) reading "${name}": unseal it, then retry`, 503);
        throw new VaultError("unavailable", path, `Vault is unavailable (503) reading "${name}"${detail}`, 503);
      default:
        throw new VaultError(response.status >= 500 ? "unavailable" : "bad-response", path, `Vault answered ${response.status} reading "${name}"${detail}`, response.status);
    }
    const data = body?.data?.data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new VaultError("bad-response", path, `Vault's answer for "${name}" has no data.data object: is "${this.mount}" a KV v2 mount (not KV v1)?`, 200);
    }
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== "string") throw new VaultError("bad-response", path, `Vault secret "${name}" key "${key}" is a ${value === null ? "null" : typeof value}, expected a string`, 200);
      values[key] = value;
    }
    this.options.log?.debug("secret read from Vault", { path: name, keys: Object.keys(values) });
    return values;
  }
}
