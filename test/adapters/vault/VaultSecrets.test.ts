import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAMBDA_EXTENSION_ADDRESS, VaultError, VaultSecrets, type VaultSecretsOptions } from "../../../runtime/adapters/vault/VaultSecrets";
import { RecordingLog } from "../../helpers/recordingLog";
import { VaultServer } from "../../servers/vaultServer";

const SPLUNK = { username: "cad-reader", password: "s3cr3t-P@ss" };
let vault: VaultServer;
let log: RecordingLog;
let now: number;

function secrets(options: Partial<VaultSecretsOptions> = {}): VaultSecrets {
  return new VaultSecrets({ token: "root-ish", clock: { now: () => now }, log, ...options, address: options.address ?? vault.address });
}

async function failure(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

beforeEach(async () => {
  vault = await VaultServer.start({ tokens: { "root-ish": [""], "dynatrace-only": ["secret/cad/dynatrace"] } });
  vault.put("secret", "cad/splunk", SPLUNK);
  log = new RecordingLog();
  now = 1_000_000;
});
afterEach(async () => {
  await vault.close();
});

describe("VaultSecrets", () => {
  it("reads a KV v2 secret with X-Vault-Token and returns its data", async () => {
    expect(await secrets({ namespace: "admin/cad" }).read("cad/splunk")).toEqual(SPLUNK);
    expect(vault.requests).toEqual([{ method: "GET", url: "/v1/secret/data/cad/splunk", token: "root-ish", namespace: "admin/cad" }]);
  });

  it("reads through the Lambda extension's proxy without a token", async () => {
    const proxy = await VaultServer.start({ requireToken: false, mounts: ["kv"] });
    try {
      proxy.put("kv", "cad/dynatrace", { apiToken: "dt0c01.abc" });
      const s = VaultSecrets.fromEnv({ VAULT_ADDR: proxy.address }, { mount: "kv" });
      expect(await s.read("cad/dynatrace")).toEqual({ apiToken: "dt0c01.abc" });
      expect(proxy.requests).toEqual([{ method: "GET", url: "/v1/kv/data/cad/dynatrace", token: undefined, namespace: undefined }]);
    } finally {
      await proxy.close();
    }
  });

  it("serves from cache within the TTL, reads again after it, and shares one request between concurrent reads", async () => {
    const s = secrets({ ttlMs: 60_000 });
    const [a, b] = await Promise.all([s.read("cad/splunk"), s.read("cad/splunk")]);
    expect(a).toEqual(SPLUNK);
    expect(b).toBe(a);
    now += 59_000;
    await s.read("cad/splunk");
    expect(vault.requests).toHaveLength(1);
    vault.put("secret", "cad/splunk", { ...SPLUNK, password: "rotated" });
    now += 2_000;
    expect((await s.read("cad/splunk")).password).toBe("rotated");
    expect(vault.requests).toHaveLength(2);
    s.invalidate("cad/splunk");
    await s.read("cad/splunk");
    expect(vault.requests).toHaveLength(3);
  });

  it("403: names the path and what to check", async () => {
    const e = await failure(secrets({ token: "dynatrace-only" }).read("cad/splunk"));
    expect(e.kind).toBe("forbidden");
    expect(e.message).toBe(
      'Vault denied reading "secret/cad/splunk" (403): the token or the Lambda role\'s Vault policy does not allow read on secret/data/cad/splunk (Vault says: permission denied)',
    );
    expect((await failure(secrets({ token: "wrong" }).read("cad/splunk"))).kind).toBe("forbidden");
  });

  it("404: a missing secret and a deleted one are told apart", async () => {
    const missing = await failure(secrets().read("cad/nope"));
    expect(missing.kind).toBe("not-found");
    expect(missing.message).toMatch(/^Vault has no secret at "secret\/cad\/nope" \(404\)/);
    vault.softDelete("secret", "cad/splunk");
    const deleted = await failure(secrets().read("cad/splunk"));
    expect(deleted.kind).toBe("deleted");
    expect(deleted.message).toBe('Vault secret "secret/cad/splunk" version 1 was deleted at 2026-11-02T00:00:00.000Z: restore it or write a new version');
  });

  it("503 sealed: fails clearly, caches nothing, and works again once unsealed", async () => {
    vault.seal();
    const s = secrets();
    const e = await failure(s.read("cad/splunk"));
    expect(e.kind).toBe("sealed");
    expect(e.message).toBe('Vault is sealed (503) reading "secret/cad/splunk": unseal it, then retry');
    vault.unseal();
    expect(await s.read("cad/splunk")).toEqual(SPLUNK);
  });

  it("Vault down: unreachable, with a hint for the Lambda extension", async () => {
    const address = vault.address;
    await vault.close();
    const e = await failure(secrets({ address }).read("cad/splunk"));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe(`Vault at ${address} is unreachable reading "secret/cad/splunk": ECONNREFUSED`);
    vault = await VaultServer.start();
    const viaExtension = new VaultSecrets({ address: LAMBDA_EXTENSION_ADDRESS, fetch: () => Promise.reject(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } })) });
    expect((await failure(viaExtension.read("cad/splunk"))).message).toMatch(/ECONNREFUSED \(is the vault-lambda-extension layer attached, and did it authenticate\?\)$/);
  });

  it("times out on a Vault that accepts but never answers", async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const e = await failure(new VaultSecrets({ address: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 50 }).read("cad/splunk"));
      expect(e.kind).toBe("unreachable");
      expect(e.message).toMatch(/no answer within 50 ms$/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("never puts a value in a log or an error message", async () => {
    vault.put("secret", "cad/odd", { token: "dt0c01.SECRETVALUE", port: 8089 });
    const s = secrets();
    await s.read("cad/splunk");
    const e = await failure(s.read("cad/odd"));
    expect(e.message).toBe('Vault secret "secret/cad/odd" key "port" is a number, expected a string');
    expect(log.entries).toEqual([{ level: "debug", message: "secret read from Vault", fields: { path: "secret/cad/splunk", keys: ["username", "password"] } }]);
    expect(JSON.stringify(log.entries)).not.toContain(SPLUNK.password);
    expect(e.message).not.toContain("SECRETVALUE");
  });

  it("validates its configuration and paths", async () => {
    expect(() => new VaultSecrets({ address: "vault:8200" })).toThrow(/must be http\(s\)/);
    expect(() => new VaultSecrets({ address: "not a url" })).toThrow(/is not a URL/);
    expect(() => new VaultSecrets({ address: "http://vault.example.com:8200", token: "t" })).toThrow("refusing to send a Vault token over plain http to vault.example.com; use https");
    await expect(secrets().read("../sys/seal")).rejects.toThrow(/secret path "..\/sys\/seal" is invalid/);
    await expect(secrets().read("/abs")).rejects.toThrow(/is invalid/);
    expect(vault.requests).toEqual([]);
  });
});
