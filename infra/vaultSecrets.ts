/**
 * Secrets: the metric sources' credentials in a Vault KV v2 secret (values from Pulumi secrets), a Vault policy
 * that can only read that one secret, and an AWS IAM auth role that hands that policy to exactly the Lambda
 * roles given. The Lambdas never see a credential at deploy time: the vault-lambda-extension fetches it at run time.
 *
 * The KV v2 engine and the AWS auth method must already exist at `kvMount` / `authMount` (they are shared
 * Vault infrastructure, usually owned by the Vault team). The Vault token comes from the operator's
 * environment (`VAULT_TOKEN`), never from the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { StackSecrets, VaultConfig } from "./config";
import { EXTENSION_PROXY_ADDRESS } from "./functionEnvironment";

export interface VaultSecretsArgs {
  readonly vault: VaultConfig;
  /** Credentials to store; keys of the stored JSON are the property names (`splunkToken`, `dynatraceToken`). */
  readonly secrets: StackSecrets;
  /** IAM role ARNs allowed to log in with the auth role: exactly the Lambdas' execution roles. */
  readonly boundRoleArns: pulumi.Input<pulumi.Input<string>[]>;
  /** Name of the Vault policy to create (unique per stack). */
  readonly policyName: string;
}

/** HCL of a Vault policy granting `read` on one KV v2 secret's data path, and nothing else. */
export function readOnlySecretPolicy(kvMount: string, secretName: string): string {
  return `# Read-only access to one secret; written by Pulumi (container-anomaly-detection).\npath "${kvMount}/data/${secretName}" {\n  capabilities = ["read"]\n}\n`;
}

/** The URL the extension's proxy serves one KV v2 secret on. */
export function extensionSecretUrl(kvMount: string, secretName: string): string {
  return `${EXTENSION_PROXY_ADDRESS}/v1/${kvMount}/data/${secretName}`;
}

export class VaultSecrets extends pulumi.ComponentResource {
  readonly secret: vault.kv.SecretV2;
  readonly policy: vault.Policy;
  readonly authRole: vault.aws.AuthBackendRole;

  constructor(name: string, args: VaultSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:secrets:VaultSecrets", name, {}, opts);
    const entries = Object.entries(args.secrets).filter((e): e is [string, pulumi.Output<string>] => e[1] !== undefined);
    if (entries.length === 0) throw new Error(`VaultSecrets "${name}": no credentials to store (no metric source is enabled)`);

    // skipChildToken is left unset on purpose: the provider then reads TERRAFORM_VAULT_SKIP_CHILD_TOKEN, which CI's
    // read-only preview sets (its token cannot create the child token the provider makes by default), while an
    // operator's `pulumi up` keeps the default, short-lived child token.
    const provider = new vault.Provider(`${name}-provider`, { address: args.vault.address }, { parent: this });
    const children = { parent: this, provider };

    const data = pulumi.all(Object.fromEntries(entries)).apply((values) => JSON.stringify(values));
    this.secret = new vault.kv.SecretV2(
      `${name}-credentials`,
      { mount: args.vault.kvMount, name: args.vault.secretName, dataJson: pulumi.secret(data) },
      children,
    );
    this.policy = new vault.Policy(
      `${name}-read-policy`,
      { name: args.policyName, policy: readOnlySecretPolicy(args.vault.kvMount, args.vault.secretName) },
      children,
    );
    this.authRole = new vault.aws.AuthBackendRole(
      `${name}-auth-role`,
      {
        backend: args.vault.authMount,
        role: args.vault.authRole,
        authType: "iam",
        boundIamPrincipalArns: args.boundRoleArns,
        tokenPolicies: [this.policy.name],
        tokenTtl: args.vault.tokenTtlSeconds,
        tokenMaxTtl: args.vault.tokenTtlSeconds,
      },
      children,
    );

    this.registerOutputs({ secretPath: this.secret.path, policyName: this.policy.name, authRole: this.authRole.role });
  }
}
