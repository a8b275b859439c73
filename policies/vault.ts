/** Vault: AWS auth roles bound to explicit principals with short-lived tokens; ACL policies without wildcard paths. */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as vault from "@pulumi/vault";
import { configOf, violation } from "./lib/config";
import { knownElements } from "./lib/known";
import { isWildcardVaultPath, parseVaultPolicyPaths, VaultPolicyParseError, type VaultPathRule } from "./lib/vaultPolicyPaths";

export const vaultAwsAuthRoleBoundPrincipals: ResourceValidationPolicy = {
  name: "vault-aws-auth-role-bound-principals",
  description: "Vault AWS auth roles use the iam auth type and are bound to explicit IAM principal ARNs (no wildcards).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateResourceOfType(vault.aws.AuthBackendRole, (role, _args, report) => {
    // Vault's default auth_type for the AWS method is "iam".
    const authType = role.authType ?? "iam";
    if (authType !== "iam") {
      report(violation(`authType is ${JSON.stringify(authType)}.`, "use authType \"iam\" and bind the Lambda execution role ARNs with boundIamPrincipalArns."));
      return;
    }
    // An ARN unknown during preview is the ARN of a role created in the same update: explicit by construction.
    const { known: principals, unknown } = knownElements(role.boundIamPrincipalArns);
    if (principals.length + unknown === 0) {
      report(violation("boundIamPrincipalArns is empty, so any IAM principal that can sign a request may log in.", "set boundIamPrincipalArns to the exact role ARNs allowed to log in."));
    }
    const wildcards = principals.filter((arn) => arn.includes("*"));
    if (wildcards.length > 0) {
      report(violation(`boundIamPrincipalArns contains wildcard(s) ${wildcards.join(", ")}.`, "list each role ARN explicitly."));
    }
  }),
};

interface TokenLimitsConfig {
  /** Longest accepted tokenTtl/tokenMaxTtl, in seconds. */
  maximumTtlSeconds: number;
}
const TOKEN_LIMITS_DEFAULTS: TokenLimitsConfig = { maximumTtlSeconds: 3600 };

export const vaultAwsAuthRoleTokenLimits: ResourceValidationPolicy = {
  name: "vault-aws-auth-role-token-limits",
  description: "Vault AWS auth roles issue short-lived tokens with named policies, never the root policy.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { maximumTtlSeconds: { type: "integer", minimum: 60, default: TOKEN_LIMITS_DEFAULTS.maximumTtlSeconds } },
  },
  validateResource: validateResourceOfType(vault.aws.AuthBackendRole, (role, args, report) => {
    const { maximumTtlSeconds } = configOf(args, TOKEN_LIMITS_DEFAULTS);
    const policies = role.tokenPolicies ?? [];
    if (policies.length === 0) report(violation("tokenPolicies is empty.", "set tokenPolicies to the read-only policy for this role's secrets."));
    if (policies.includes("root")) report(violation("tokenPolicies includes \"root\".", "grant a policy limited to the paths this role reads."));
    for (const field of ["tokenTtl", "tokenMaxTtl"] as const) {
      const ttl = role[field];
      // 0/unset means the mount's (long) default applies.
      if (ttl === undefined || ttl === 0 || ttl > maximumTtlSeconds) {
        report(violation(`${field} is ${ttl ?? "unset"}, not within 1..${maximumTtlSeconds} seconds.`, `set ${field} to at most ${maximumTtlSeconds} seconds.`));
      }
    }
  }),
};

export const vaultPolicyNoWildcardPaths: ResourceValidationPolicy = {
  name: "vault-policy-no-wildcard-paths",
  description: "Vault ACL policies grant exact paths: no `*` globs or `+` segment wildcards.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(vault.Policy, (policy, _args, report) => {
    let rules: VaultPathRule[];
    try {
      rules = parseVaultPolicyPaths(policy.policy);
    } catch (err) {
      if (!(err instanceof VaultPolicyParseError)) throw err;
      report(violation(`The policy text cannot be read: ${err.message}.`, "write the policy as HCL path blocks or JSON {\"path\": {...}}."));
      return;
    }
    if (rules.length === 0) {
      report(violation("The policy has no path rules.", "add path \"<mount>/data/<secret>\" { capabilities = [\"read\"] }."));
    }
    for (const rule of rules.filter((r) => isWildcardVaultPath(r.path))) {
      report(violation(`Path "${rule.path}" uses a wildcard.`, "grant each secret path explicitly, e.g. path \"kv/data/cad/splunk\" { capabilities = [\"read\"] }."));
    }
  }),
};

export const vaultPolicies = [vaultAwsAuthRoleBoundPrincipals, vaultAwsAuthRoleTokenLimits, vaultPolicyNoWildcardPaths];
