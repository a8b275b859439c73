/** IAM: least privilege. No `*` actions, no `*` resources for writes, no admin policies, trust policies scoped. */
import * as aws from "@pulumi/aws";
import { type ReportViolation, type ResourceValidationArgs, type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { readKnown } from "./lib/known";
import { refersTo, type StackResource } from "./lib/stackReferences";
import {
  accountRootOf,
  isBroadManagedPolicyArn,
  isFullWildcardAction,
  isReadOnlyAction,
  isServiceWildcardAction,
  parsePolicyDocument,
  PolicyDocumentError,
  type NormalisedStatement,
} from "./lib/policyDocument";

/** A policy document found in a resource's inputs, with the input path it came from. */
interface LocatedDocument {
  readonly where: string;
  readonly document: unknown;
}

const SINGLE_DOCUMENT_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];

/** The identity-policy documents a resource carries, or undefined when the resource type has none. */
export function identityPolicyDocuments(type: string, props: Record<string, unknown>): LocatedDocument[] | undefined {
  if (SINGLE_DOCUMENT_TYPES.includes(type)) return [{ where: "policy", document: props["policy"] }];
  if (type === "aws:iam/role:Role") {
    const inline = props["inlinePolicies"];
    if (!Array.isArray(inline)) return [];
    return inline.flatMap((p: { policy?: unknown }, i) => (p.policy === undefined ? [] : [{ where: `inlinePolicies[${i}].policy`, document: p.policy }]));
  }
  return undefined;
}

/** Parses each document and hands its statements on; a malformed document is reported, not thrown. */
function forEachIdentityStatement(
  args: ResourceValidationArgs,
  report: ReportViolation,
  check: (statement: NormalisedStatement, label: string) => void,
): void {
  const documents = identityPolicyDocuments(args.type, args.props);
  if (documents === undefined) args.notApplicable("only IAM policies, role/user/group policies and role inline policies carry identity policy documents");
  for (const { where, document } of documents) {
    let statements: NormalisedStatement[];
    try {
      statements = parsePolicyDocument(document);
    } catch (err) {
      if (!(err instanceof PolicyDocumentError)) throw err;
      report(violation(`${where} is not a valid IAM policy document: ${err.message}.`, "pass a JSON policy document (Version 2012-10-17) with a Statement list."));
      continue;
    }
    statements.forEach((statement, i) => {
      if (statement.effect === "Allow") check(statement, `${where} Statement[${i}]${statement.sid ? ` (${statement.sid})` : ""}`);
    });
  }
}

interface WildcardActionConfig {
  /** Accept service-wide wildcards such as `s3:*` (a bare `*` is never accepted). */
  allowServiceWildcards: boolean;
}
const WILDCARD_ACTION_DEFAULTS: WildcardActionConfig = { allowServiceWildcards: false };

export const iamNoWildcardAction: ResourceValidationPolicy = {
  name: "iam-no-wildcard-action",
  description: "IAM policies allow named actions only: no `*`, no `service:*`, no Allow with NotAction.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { allowServiceWildcards: { type: "boolean", default: WILDCARD_ACTION_DEFAULTS.allowServiceWildcards } },
  },
  validateResource: (args, report) => {
    const { allowServiceWildcards } = configOf(args, WILDCARD_ACTION_DEFAULTS);
    forEachIdentityStatement(args, report, (statement, label) => {
      const wild = statement.actions.filter((a) => isFullWildcardAction(a) || (!allowServiceWildcards && isServiceWildcardAction(a)));
      if (wild.length > 0) {
        report(violation(`${label} allows ${wild.map((a) => JSON.stringify(a)).join(", ")}.`, "list the exact actions the code calls (e.g. \"sns:Publish\")."));
      }
      if (statement.notActions.length > 0) {
        report(violation(`${label} uses Allow with NotAction, which allows every other action.`, "replace NotAction with an explicit Action list."));
      }
    });
  },
};

interface WildcardResourceConfig {
  /** Write actions that AWS only authorises on `"*"` (no resource-level permissions). */
  allowedActions: string[];
}
const WILDCARD_RESOURCE_DEFAULTS: WildcardResourceConfig = {
  allowedActions: [
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
};

export const iamNoWildcardResourceWrites: ResourceValidationPolicy = {
  name: "iam-no-wildcard-resource-writes",
  description: "IAM statements that allow write actions name their resources instead of `*`.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { allowedActions: { type: "array", items: { type: "string" }, default: WILDCARD_RESOURCE_DEFAULTS.allowedActions } },
  },
  validateResource: (args, report) => {
    const { allowedActions } = configOf(args, WILDCARD_RESOURCE_DEFAULTS);
    const allowed = new Set(allowedActions.map((a) => a.toLowerCase()));
    forEachIdentityStatement(args, report, (statement, label) => {
      const everywhere = statement.resources.includes("*") || statement.notResources.length > 0;
      if (!everywhere) return;
      const writes = statement.actions.filter((a) => !isReadOnlyAction(a) && !allowed.has(a.toLowerCase()));
      if (writes.length > 0) {
        report(violation(
          `${label} allows write actions ${writes.map((a) => JSON.stringify(a)).join(", ")} on every resource.`,
          "scope Resource to the ARNs the code writes to (bucket/prefix, topic, queue, service…).",
        ));
      }
    });
  },
};

interface ManagedPolicyConfig {
  /** Broad AWS-managed policy ARNs a team has reviewed and accepts. */
  allowedPolicyArns: string[];
}
const MANAGED_POLICY_DEFAULTS: ManagedPolicyConfig = { allowedPolicyArns: [] };

const ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];

export const iamNoBroadManagedPolicies: ResourceValidationPolicy = {
  name: "iam-no-broad-managed-policies",
  description: "No AdministratorAccess, *PowerUser* or *FullAccess* AWS-managed policy is attached.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { allowedPolicyArns: { type: "array", items: { type: "string" }, default: MANAGED_POLICY_DEFAULTS.allowedPolicyArns } },
  },
  validateResource: (args, report) => {
    const { allowedPolicyArns } = configOf(args, MANAGED_POLICY_DEFAULTS);
    let arns: unknown[];
    if (ATTACHMENT_TYPES.includes(args.type)) arns = [args.props["policyArn"]];
    else if (args.type === "aws:iam/role:Role") arns = Array.isArray(args.props["managedPolicyArns"]) ? args.props["managedPolicyArns"] : [];
    else return args.notApplicable("only policy attachments and roles attach managed policies");
    for (const arn of arns) {
      if (typeof arn === "string" && isBroadManagedPolicyArn(arn) && !allowedPolicyArns.includes(arn)) {
        report(violation(
          `Attaches the broad managed policy ${arn}.`,
          "attach a least-privilege policy listing the actions and resources the code needs (aws.lambda.CallbackFunction attaches *FullAccess policies unless given an explicit role).",
        ));
      }
    }
  },
};

interface TrustPolicyConfig {
  /** Accept `arn:aws:iam::<account>:root` principals without a Condition (any role in that account may assume). */
  allowAccountRootWithoutCondition: boolean;
}
const TRUST_POLICY_DEFAULTS: TrustPolicyConfig = { allowAccountRootWithoutCondition: false };

/** The problems of one Allow statement of a trust policy, as sentences. */
export function trustStatementProblems(statement: NormalisedStatement, config: TrustPolicyConfig): string[] {
  const problems: string[] = [];
  const principal = statement.principal;
  const conditioned = statement.condition !== undefined && Object.keys(statement.condition).length > 0;
  if (principal === undefined) return ["has no Principal"];
  if (principal.wildcard) problems.push("trusts every principal (\"*\")");
  const roots = principal.aws.filter((arn) => accountRootOf(arn) !== undefined);
  if (roots.length > 0 && !conditioned && !config.allowAccountRootWithoutCondition) {
    problems.push(`trusts whole account(s) ${roots.join(", ")} without a Condition`);
  }
  if (principal.federated.length > 0 && !conditioned) {
    problems.push(`trusts federated principal(s) ${principal.federated.join(", ")} without a Condition (e.g. the OIDC sub claim)`);
  }
  return problems;
}

export const iamTrustPolicyScoped: ResourceValidationPolicy = {
  name: "iam-trust-policy-scoped",
  description: "Role trust policies name who may assume the role: no `*`, no bare account roots, federated principals conditioned.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { allowAccountRootWithoutCondition: { type: "boolean", default: TRUST_POLICY_DEFAULTS.allowAccountRootWithoutCondition } },
  },
  validateResource: validateResourceOfType(aws.iam.Role, (role, args, report) => {
    const config = configOf(args, TRUST_POLICY_DEFAULTS);
    let statements: NormalisedStatement[];
    try {
      statements = parsePolicyDocument(role.assumeRolePolicy);
    } catch (err) {
      if (!(err instanceof PolicyDocumentError)) throw err;
      report(violation(`assumeRolePolicy is not a valid policy document: ${err.message}.`, "pass a JSON trust policy with a Statement list."));
      return;
    }
    statements.forEach((statement, i) => {
      if (statement.effect !== "Allow") return;
      for (const problem of trustStatementProblems(statement, config)) {
        report(violation(
          `assumeRolePolicy Statement[${i}] ${problem}.`,
          "trust a service principal (e.g. lambda.amazonaws.com) or specific role ARNs, and add a Condition (aws:SourceAccount, sts:ExternalId, the OIDC sub) for anything broader.",
        ));
      }
    });
  }),
};

/** Resources that manage a role's policies from outside the role, and the input that names the role. */
const EXTERNAL_POLICY_MANAGERS: readonly { readonly type: string; readonly roleInput: string; readonly kind: "inline" | "managed" }[] = [
  { type: "aws:iam/rolePolicy:RolePolicy", roleInput: "role", kind: "inline" },
  { type: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", roleInput: "roleName", kind: "inline" },
  { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", roleInput: "role", kind: "managed" },
  { type: "aws:iam/policyAttachment:PolicyAttachment", roleInput: "roles", kind: "managed" },
  { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", roleInput: "roleName", kind: "managed" },
];

/**
 * What a role itself declares: inline policies with a document, managed policy ARNs. After an update the provider
 * reports the policies other resources attached in these same properties, so those (matched by name / ARN) are
 * not the role's own declarations.
 */
function declaredByRole(role: StackResource, managers: readonly StackResource[]): { inline: string[]; managed: string[] } {
  const attachedNames = managers.map((m) => readKnown(() => m.props["name"])).filter((n): n is string => typeof n === "string");
  const attachedArns = managers.map((m) => readKnown(() => m.props["policyArn"])).filter((a): a is string => typeof a === "string");
  const inlineRaw = readKnown(() => role.props["inlinePolicies"]);
  const managedRaw = readKnown(() => role.props["managedPolicyArns"]);
  const inline = (Array.isArray(inlineRaw) ? (inlineRaw as { name?: unknown; policy?: unknown }[]) : [])
    .filter((p) => typeof p.policy === "string" && p.policy !== "")
    .map((p) => (typeof p.name === "string" ? p.name : "(unnamed)"))
    .filter((n) => !attachedNames.includes(n));
  const managed = (Array.isArray(managedRaw) ? managedRaw : []).filter((a): a is string => typeof a === "string" && !attachedArns.includes(a));
  return { inline, managed };
}

function checkPolicyManagementConflicts(resources: readonly StackResource[], report: ReportViolation): void {
  for (const role of resources.filter((r) => r.type === "aws:iam/role:Role")) {
    const managers = EXTERNAL_POLICY_MANAGERS.flatMap((m) =>
      resources.filter((r) => r.type === m.type && refersTo(r, m.roleInput, role, (p) => p[m.roleInput])).map((r) => ({ resource: r, kind: m.kind })),
    );
    if (managers.length === 0) continue;
    const declared = declaredByRole(role, managers.map((m) => m.resource));
    for (const { resource, kind } of managers) {
      const own = kind === "inline" ? declared.inline : declared.managed;
      if (own.length === 0) continue;
      report(violation(
        `'${resource.name}' manages ${kind === "inline" ? "inline" : "managed"} policies of role '${role.name}', which also declares ${kind === "inline" ? `inlinePolicies (${own.join(", ")})` : `managedPolicyArns (${own.join(", ")})`}: each update undoes the other.`,
        `manage the role's ${kind} policies one way only: drop ${kind === "inline" ? "inlinePolicies" : "managedPolicyArns"} from the role, or the separate resource.`,
      ), resource.urn);
    }
  }
}

export const iamRoleNoPolicyManagementConflicts: StackValidationPolicy = {
  name: "iam-role-no-policy-management-conflicts",
  description: "A role's policies are managed one way only: not both on the role and by RolePolicy or attachment resources.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, report) => checkPolicyManagementConflicts(args.resources, report),
};

export const iamPolicies = [iamNoWildcardAction, iamNoWildcardResourceWrites, iamNoBroadManagedPolicies, iamTrustPolicyScoped, iamRoleNoPolicyManagementConflicts];
