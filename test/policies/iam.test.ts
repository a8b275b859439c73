import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { iamNoBroadManagedPolicies, iamNoWildcardAction, iamNoWildcardResourceWrites, iamRoleNoPolicyManagementConflicts, iamTrustPolicyScoped } from "../../policies/iam";
import { resourceOf, runResourcePolicy, runStackPolicy, typeTokenOf, type StackResourceUnderTest } from "../helpers/policyHarness";

const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:cad-alerts";
const lambdaTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const document = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const publish = { Sid: "Publish", Effect: "Allow", Action: ["sns:Publish"], Resource: TOPIC_ARN };
const rolePolicy = (...statements: Record<string, unknown>[]) => resourceOf(aws.iam.RolePolicy, { role: "detector", policy: document(...statements) });

describe("iam-no-wildcard-action", () => {
  it("passes named actions, in a RolePolicy, a Policy and a role's inline policy", async () => {
    expect((await runResourcePolicy(iamNoWildcardAction, rolePolicy(publish))).violations).toEqual([]);
    expect((await runResourcePolicy(iamNoWildcardAction, resourceOf(aws.iam.Policy, { policy: document(publish) }))).violations).toEqual([]);
    const role = resourceOf(aws.iam.Role, { assumeRolePolicy: JSON.stringify(lambdaTrust), inlinePolicies: [{ name: "publish", policy: document(publish) }] });
    expect((await runResourcePolicy(iamNoWildcardAction, role)).violations).toEqual([]);
  });

  it("flags '*'", async () => {
    expect((await runResourcePolicy(iamNoWildcardAction, rolePolicy({ ...publish, Action: "*" }))).violations).toEqual([
      'policy Statement[0] (Publish) allows "*". Remediation: list the exact actions the code calls (e.g. "sns:Publish").',
    ]);
  });

  it("flags a service wildcard unless the config accepts them", async () => {
    const s3All = rolePolicy({ ...publish, Action: ["s3:*"] });
    expect((await runResourcePolicy(iamNoWildcardAction, s3All)).violations).toEqual([expect.stringMatching(/allows "s3:\*"/)]);
    expect((await runResourcePolicy(iamNoWildcardAction, s3All, { allowServiceWildcards: true })).violations).toEqual([]);
  });

  it("flags Allow with NotAction, and wildcards in a role's inline policy and a UserPolicy", async () => {
    expect((await runResourcePolicy(iamNoWildcardAction, rolePolicy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }))).violations).toEqual([
      expect.stringMatching(/uses Allow with NotAction/),
    ]);
    const role = resourceOf(aws.iam.Role, { assumeRolePolicy: JSON.stringify(lambdaTrust), inlinePolicies: [{ name: "all", policy: document({ ...publish, Action: "*" }) }] });
    expect((await runResourcePolicy(iamNoWildcardAction, role)).violations).toEqual([expect.stringMatching(/^inlinePolicies\[0\]\.policy Statement\[0\] \(Publish\) allows "\*"/)]);
    const userPolicy = resourceOf(aws.iam.UserPolicy, { user: "ci", policy: document({ ...publish, Action: "*" }) });
    expect((await runResourcePolicy(iamNoWildcardAction, userPolicy)).violations).toHaveLength(1);
  });

  it("ignores Deny statements and reports malformed documents", async () => {
    expect((await runResourcePolicy(iamNoWildcardAction, rolePolicy({ Effect: "Deny", Action: "*", Resource: "*" }))).violations).toEqual([]);
    const broken = resourceOf(aws.iam.RolePolicy, { role: "detector", policy: "{" });
    expect((await runResourcePolicy(iamNoWildcardAction, broken)).violations).toEqual([expect.stringMatching(/^policy is not a valid IAM policy document: not valid JSON/)]);
  });

  it("does not apply to resources without identity policies", async () => {
    expect((await runResourcePolicy(iamNoWildcardAction, resourceOf(aws.sns.Topic, {}))).notApplicable).toMatch(/only IAM policies/);
  });
});

describe("iam-no-wildcard-resource-writes", () => {
  it("passes scoped writes, reads on '*', and allow-listed actions on '*'", async () => {
    const run = await runResourcePolicy(
      iamNoWildcardResourceWrites,
      rolePolicy(publish, { Effect: "Allow", Action: ["ecs:DescribeServices", "s3:List*"], Resource: "*" }, { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }),
    );
    expect(run.violations).toEqual([]);
  });

  it("flags a write action on '*'", async () => {
    expect((await runResourcePolicy(iamNoWildcardResourceWrites, rolePolicy({ ...publish, Resource: "*" }))).violations).toEqual([
      'policy Statement[0] (Publish) allows write actions "sns:Publish" on every resource. Remediation: scope Resource to the ARNs the code writes to (bucket/prefix, topic, queue, service…).',
    ]);
  });

  it("flags NotResource, and honours a team's allow-list", async () => {
    const notResource = rolePolicy({ Effect: "Allow", Action: "ecs:UpdateService", NotResource: "arn:aws:ecs:eu-west-1:123456789012:service/prod/*" });
    expect((await runResourcePolicy(iamNoWildcardResourceWrites, notResource)).violations).toEqual([expect.stringMatching(/"ecs:UpdateService" on every resource/)]);
    const star = rolePolicy({ Effect: "Allow", Action: "ecs:UpdateService", Resource: "*" });
    expect((await runResourcePolicy(iamNoWildcardResourceWrites, star, { allowedActions: ["ecs:UpdateService"] })).violations).toEqual([]);
  });
});

describe("iam-no-broad-managed-policies", () => {
  const attachment = (policyArn: string) => resourceOf(aws.iam.RolePolicyAttachment, { role: "detector", policyArn });

  it("passes a narrow managed policy", async () => {
    expect((await runResourcePolicy(iamNoBroadManagedPolicies, attachment("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))).violations).toEqual([]);
  });

  it.each(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])("flags %s", async (arn) => {
    expect((await runResourcePolicy(iamNoBroadManagedPolicies, attachment(arn))).violations).toEqual([
      expect.stringMatching(new RegExp(`^Attaches the broad managed policy ${arn.replace(/[/]/g, "\\/")}\\. Remediation: attach a least-privilege policy`)),
    ]);
  });

  it("flags managedPolicyArns on a role and attachments of users, groups and PolicyAttachment", async () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const role = resourceOf(aws.iam.Role, { assumeRolePolicy: JSON.stringify(lambdaTrust), managedPolicyArns: [admin] });
    const user = resourceOf(aws.iam.UserPolicyAttachment, { user: "ci", policyArn: admin });
    const group = resourceOf(aws.iam.GroupPolicyAttachment, { group: "ops", policyArn: admin });
    const shared = resourceOf(aws.iam.PolicyAttachment, { policyArn: admin, roles: ["detector"] });
    for (const resource of [role, user, group, shared]) {
      expect((await runResourcePolicy(iamNoBroadManagedPolicies, resource)).violations, resource.type).toHaveLength(1);
    }
  });

  it("accepts an allow-listed ARN and does not apply elsewhere", async () => {
    const arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
    expect((await runResourcePolicy(iamNoBroadManagedPolicies, attachment(arn), { allowedPolicyArns: [arn] })).violations).toEqual([]);
    expect((await runResourcePolicy(iamNoBroadManagedPolicies, resourceOf(aws.sqs.Queue, {}))).notApplicable).toMatch(/attach managed policies/);
  });
});

describe("iam-trust-policy-scoped", () => {
  const role = (statement: Record<string, unknown>) => resourceOf(aws.iam.Role, { assumeRolePolicy: document(statement) });
  const assume = { Effect: "Allow", Action: "sts:AssumeRole" };

  it("passes service principals, specific role ARNs and conditioned account roots / OIDC", async () => {
    for (const statement of [
      { ...assume, Principal: { Service: ["lambda.amazonaws.com"] } },
      { ...assume, Principal: { AWS: "arn:aws:iam::123456789012:role/deployer" } },
      { ...assume, Principal: { AWS: "arn:aws:iam::123456789012:root" }, Condition: { StringEquals: { "sts:ExternalId": "cad" } } },
      {
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
        Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/cad:ref:refs/heads/main" } },
      },
    ]) {
      expect((await runResourcePolicy(iamTrustPolicyScoped, role(statement))).violations, JSON.stringify(statement)).toEqual([]);
    }
    const asObject = { type: typeTokenOf(aws.iam.Role), props: { assumeRolePolicy: lambdaTrust } };
    expect((await runResourcePolicy(iamTrustPolicyScoped, asObject)).violations).toEqual([]);
  });

  it.each([
    ["'*'", { ...assume, Principal: "*" }, /Statement\[0\] trusts every principal \("\*"\)\. Remediation: trust a service principal/],
    ["{AWS: '*'}", { ...assume, Principal: { AWS: "*" } }, /trusts every principal/],
    ["an account root without Condition", { ...assume, Principal: { AWS: "arn:aws:iam::123456789012:root" } }, /trusts whole account\(s\) arn:aws:iam::123456789012:root without a Condition/],
    ["an OIDC provider without Condition", { ...assume, Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" } }, /trusts federated principal\(s\) .* without a Condition/],
    ["no principal", { ...assume }, /Statement\[0\] has no Principal/],
  ])("flags %s", async (_case, statement, message) => {
    expect((await runResourcePolicy(iamTrustPolicyScoped, role(statement))).violations).toEqual([expect.stringMatching(message)]);
  });

  it("accepts bare account roots when the config allows it, and reports broken documents", async () => {
    const root = role({ ...assume, Principal: { AWS: "123456789012" } });
    expect((await runResourcePolicy(iamTrustPolicyScoped, root, { allowAccountRootWithoutCondition: true })).violations).toEqual([]);
    const broken = resourceOf(aws.iam.Role, { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: 7 }] }) });
    expect((await runResourcePolicy(iamTrustPolicyScoped, broken)).violations).toEqual([expect.stringMatching(/^assumeRolePolicy is not a valid policy document: Statement\[0\]\.Principal/)]);
  });
});

describe("iam-role-no-policy-management-conflicts (awsguard's counterpart)", () => {
  const ROLE_ARN = "arn:aws:iam::123456789012:role/cad-detect";
  const TRUST_JSON = JSON.stringify(lambdaTrust);
  const role = (props: Record<string, unknown>): StackResourceUnderTest => ({ type: typeTokenOf(aws.iam.Role), name: "detect-role", props: { name: "cad-detect", arn: ROLE_ARN, id: "cad-detect", ...props } });
  const inlineRolePolicy = (props: Record<string, unknown> = {}, deps?: Record<string, string[]>): StackResourceUnderTest => ({
    type: typeTokenOf(aws.iam.RolePolicy),
    name: "detect-policy",
    props: { role: "cad-detect", name: "detect-policy-0a1b2c3", policy: TRUST_JSON, ...props },
    propertyDependencies: deps,
  });
  const attachment = (policyArn: string): StackResourceUnderTest => ({ type: typeTokenOf(aws.iam.RolePolicyAttachment), name: "detect-attach", props: { role: "cad-detect", policyArn } });

  it("passes a role whose policies are all managed by separate resources (as the program does)", async () => {
    expect((await runStackPolicy(iamRoleNoPolicyManagementConflicts, [role({}), inlineRolePolicy()])).violations).toEqual([]);
    expect((await runStackPolicy(iamRoleNoPolicyManagementConflicts, [role({ inlinePolicies: [{ name: "own", policy: TRUST_JSON }] })])).violations).toEqual([]);
  });

  it("passes what the provider reports back on the role after an update: the separately attached policies", async () => {
    const reported = role({ inlinePolicies: [{ name: "detect-policy-0a1b2c3", policy: TRUST_JSON }], managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] });
    expect((await runStackPolicy(iamRoleNoPolicyManagementConflicts, [reported, inlineRolePolicy(), attachment("arn:aws:iam::aws:policy/ReadOnlyAccess")])).violations).toEqual([]);
  });

  it("flags a RolePolicy on a role that declares its own inlinePolicies (found by dependency)", async () => {
    const run = await runStackPolicy(iamRoleNoPolicyManagementConflicts, [role({ inlinePolicies: [{ name: "own", policy: TRUST_JSON }] }), inlineRolePolicy({ role: undefined }, { role: ["detect-role"] })]);
    expect(run.violations).toEqual([expect.stringMatching(/^'detect-policy' manages inline policies of role 'detect-role', which also declares inlinePolicies \(own\): each update undoes the other\./)]);
    expect(run.urns).toEqual(["urn:pulumi:test::container-anomaly-detection::aws:iam/rolePolicy:RolePolicy::detect-policy"]);
  });

  it("flags an attachment on a role that declares managedPolicyArns", async () => {
    const run = await runStackPolicy(iamRoleNoPolicyManagementConflicts, [role({ managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }), attachment("arn:aws:iam::123456789012:policy/extra")]);
    expect(run.violations).toEqual([expect.stringMatching(/manages managed policies of role 'detect-role', which also declares managedPolicyArns \(arn:aws:iam::aws:policy\/ReadOnlyAccess\)/)]);
  });
});
