import { describe, expect, it } from "vitest";
import { findPlaintextSecrets, isSecretLookingName, isSecretReference } from "../../../policies/lib/plaintextSecrets";

describe("isSecretLookingName", () => {
  it.each(["SPLUNK_PASSWORD", "DYNATRACE_API_TOKEN", "apiKey", "API_KEY", "DB_PWD", "CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY"])("%s holds a secret", (name) => {
    expect(isSecretLookingName(name)).toBe(true);
  });
  it.each(["VAULT_SECRET_PATH", "VAULT_SECRET_FILE", "SPLUNK_TOKEN_ARN", "VAULT_AUTH_ROLE", "KMS_KEY_ID", "TOKEN_TTL", "LOG_LEVEL", "SPLUNK_HOST"])("%s does not", (name) => {
    expect(isSecretLookingName(name)).toBe(false);
  });
});

describe("isSecretReference", () => {
  it.each(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:x", "/tmp/vault/secret.json", "https://vault.example.com:8200", "vault:kv/data/cad"])("%s is a reference", (value) => {
    expect(isSecretReference(value)).toBe(true);
  });
  it.each(["hunter2", "https://user:pw@host/x", "kv/data/cad/splunk"])("%s is not", (value) => {
    expect(isSecretReference(value)).toBe(false);
  });
});

describe("findPlaintextSecrets", () => {
  it("finds credential-shaped values whatever the variable is called", () => {
    const findings = findPlaintextSecrets({
      KEY_A: "AKIAABCDEFGHIJKLMNOP",
      CERT: "-----BEGIN RSA PRIVATE KEY-----\nabc",
      DT: `dt0c01.${"A".repeat(24)}.${"B".repeat(64)}`,
      HOOK: "https://bot:s3cr3t@hooks.example.com/x",
      V: `hvs.${"x".repeat(24)}`,
    });
    expect(findings.map((f) => f.variable)).toEqual(["KEY_A", "CERT", "DT", "HOOK", "V"]);
    expect(findings[0]?.reason).toBe("its value looks like an AWS access key id");
    expect(findings[3]?.reason).toBe("its value looks like a URL with an embedded password");
  });

  it("finds secret-named variables with literal values, not references or empty values", () => {
    const findings = findPlaintextSecrets({
      SPLUNK_PASSWORD: "changeme",
      VAULT_SECRET_PATH: "kv/data/cad/splunk",
      DYNATRACE_TOKEN: "arn:aws:ssm:eu-west-1:123456789012:parameter/dt",
      EMPTY_SECRET: "",
      REPLICAS: 3,
    });
    expect(findings).toEqual([{ variable: "SPLUNK_PASSWORD", reason: "its name says it holds a secret and its value is not a reference (ARN, path or URL)" }]);
  });

  it("skips variables a team allowed", () => {
    expect(findPlaintextSecrets({ PUBLIC_API_KEY: "pk_live_visible" }, ["PUBLIC_API_KEY"])).toEqual([]);
  });
});
