import { type Unwrap } from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { describe, expect, it } from "vitest";
import { vaultAwsAuthRoleBoundPrincipals, vaultAwsAuthRoleTokenLimits, vaultPolicyNoWildcardPaths } from "../../policies/vault";
import { resourceOf, runResourcePolicy, typeTokenOf } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";

const DETECTOR_ROLE = "arn:aws:iam::123456789012:role/cad-detector";
const authRole = (overrides: Partial<Unwrap<vault.aws.AuthBackendRoleArgs>>) =>
  resourceOf(vault.aws.AuthBackendRole, {
    backend: "aws",
    role: "cad-detector",
    authType: "iam",
    boundIamPrincipalArns: [DETECTOR_ROLE],
    tokenPolicies: ["cad-read-secrets"],
    tokenTtl: 900,
    tokenMaxTtl: 3600,
    ...overrides,
  });

describe("vault-aws-auth-role-bound-principals", () => {
  it("passes an iam role bound to an explicit ARN (authType defaults to iam)", async () => {
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, authRole({}))).violations).toEqual([]);
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, authRole({ authType: undefined }))).violations).toEqual([]);
  });

  it("accepts the ARN of a role created in the same update (unknown during preview)", async () => {
    const props = asPreview({ backend: "aws", role: "cad-detector", authType: "iam", boundIamPrincipalArns: [UNKNOWN] });
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, { type: typeTokenOf(vault.aws.AuthBackendRole), props })).violations).toEqual([]);
  });

  it("flags unbound and wildcard principals", async () => {
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, authRole({ boundIamPrincipalArns: [] }))).violations).toEqual([
      "boundIamPrincipalArns is empty, so any IAM principal that can sign a request may log in. Remediation: set boundIamPrincipalArns to the exact role ARNs allowed to log in.",
    ]);
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, authRole({ boundIamPrincipalArns: ["arn:aws:iam::123456789012:role/*"] }))).violations).toEqual([
      "boundIamPrincipalArns contains wildcard(s) arn:aws:iam::123456789012:role/*. Remediation: list each role ARN explicitly.",
    ]);
  });

  it("flags the ec2 auth type", async () => {
    expect((await runResourcePolicy(vaultAwsAuthRoleBoundPrincipals, authRole({ authType: "ec2" }))).violations).toEqual([expect.stringMatching(/^authType is "ec2"\. Remediation: use authType "iam"/)]);
  });
});

describe("vault-aws-auth-role-token-limits", () => {
  it("passes short-lived tokens with a named policy", async () => {
    expect((await runResourcePolicy(vaultAwsAuthRoleTokenLimits, authRole({}))).violations).toEqual([]);
  });

  it.each([
    ["the root policy", { tokenPolicies: ["root"] }, 'tokenPolicies includes "root". Remediation: grant a policy limited to the paths this role reads.'],
    ["no policies", { tokenPolicies: [] }, "tokenPolicies is empty. Remediation: set tokenPolicies to the read-only policy for this role's secrets."],
    ["an unset TTL", { tokenTtl: undefined }, "tokenTtl is unset, not within 1..3600 seconds. Remediation: set tokenTtl to at most 3600 seconds."],
    ["a day-long max TTL", { tokenMaxTtl: 86400 }, "tokenMaxTtl is 86400, not within 1..3600 seconds. Remediation: set tokenMaxTtl to at most 3600 seconds."],
  ])("flags %s", async (_case, overrides, message) => {
    expect((await runResourcePolicy(vaultAwsAuthRoleTokenLimits, authRole(overrides))).violations).toEqual([message]);
  });

  it("follows maximumTtlSeconds", async () => {
    expect((await runResourcePolicy(vaultAwsAuthRoleTokenLimits, authRole({ tokenMaxTtl: 86400 }), { maximumTtlSeconds: 86400 })).violations).toEqual([]);
  });
});

describe("vault-policy-no-wildcard-paths", () => {
  const policy = (text: string) => resourceOf(vault.Policy, { name: "cad-read-secrets", policy: text });
  const exact = 'path "kv/data/cad/splunk" {\n  capabilities = ["read"]\n}\npath "kv/data/cad/dynatrace" {\n  capabilities = ["read"]\n}\n';

  it("passes exact paths", async () => {
    expect((await runResourcePolicy(vaultPolicyNoWildcardPaths, policy(exact))).violations).toEqual([]);
  });

  it.each(["kv/data/cad/*", "kv/data/+/splunk"])("flags %s", async (path) => {
    expect((await runResourcePolicy(vaultPolicyNoWildcardPaths, policy(`${exact}path "${path}" { capabilities = ["read"] }`))).violations).toEqual([
      `Path "${path}" uses a wildcard. Remediation: grant each secret path explicitly, e.g. path "kv/data/cad/splunk" { capabilities = ["read"] }.`,
    ]);
  });

  it("flags wildcards in the JSON form, empty policies and unreadable text", async () => {
    expect((await runResourcePolicy(vaultPolicyNoWildcardPaths, policy(JSON.stringify({ path: { "sys/*": { capabilities: ["sudo"] } } })))).violations).toEqual([
      expect.stringMatching(/^Path "sys\/\*" uses a wildcard/),
    ]);
    expect((await runResourcePolicy(vaultPolicyNoWildcardPaths, policy("# nothing"))).violations).toEqual([expect.stringMatching(/^The policy has no path rules\./)]);
    expect((await runResourcePolicy(vaultPolicyNoWildcardPaths, policy('path "kv/x" {'))).violations).toEqual([expect.stringMatching(/^The policy text cannot be read: unclosed block starting on line 1\./)]);
  });
});
