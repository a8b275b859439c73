/**
 * Parsing and reading IAM policy documents (identity policies, trust policies, resource policies).
 *
 * Pulumi hands a policy document to CrossGuard either as a JSON string (`JSON.stringify`,
 * `pulumi.jsonStringify`, `aws.iam.getPolicyDocument().json`) or as an object (`aws.iam.PolicyDocument`).
 * {@link parsePolicyDocument} accepts both and normalises every statement so the policies read one shape.
 */

/** A principal block normalised to lists; `wildcard` is true for `"*"` or `{ AWS: "*" }`. */
export interface NormalisedPrincipal {
  readonly wildcard: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

/** One statement with every string-or-list field turned into a list. */
export interface NormalisedStatement {
  readonly sid: string | undefined;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** Undefined when the statement has no `Principal` (identity policies). */
  readonly principal: NormalisedPrincipal | undefined;
  /** The raw `Condition` block: operator → condition key → value(s). */
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
}

/** The document is not a usable IAM policy document; the message says which part is wrong. */
export class PolicyDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyDocumentError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, field: string, index: number): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) return value;
  throw new PolicyDocumentError(`Statement[${index}].${field} must be a string or a list of strings`);
}

function normalisePrincipal(value: unknown, index: number): NormalisedPrincipal | undefined {
  if (value === undefined) return undefined;
  if (value === "*") return { wildcard: true, aws: ["*"], service: [], federated: [] };
  if (!isRecord(value)) throw new PolicyDocumentError(`Statement[${index}].Principal must be "*" or an object`);
  const aws = stringList(value["AWS"], "Principal.AWS", index);
  return {
    wildcard: aws.includes("*"),
    aws,
    service: stringList(value["Service"], "Principal.Service", index),
    federated: stringList(value["Federated"], "Principal.Federated", index),
  };
}

function normaliseStatement(raw: unknown, index: number): NormalisedStatement {
  if (!isRecord(raw)) throw new PolicyDocumentError(`Statement[${index}] must be an object`);
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") {
    throw new PolicyDocumentError(`Statement[${index}].Effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
  }
  const condition = raw["Condition"];
  if (condition !== undefined && !isRecord(condition)) {
    throw new PolicyDocumentError(`Statement[${index}].Condition must be an object`);
  }
  return {
    sid: typeof raw["Sid"] === "string" ? raw["Sid"] : undefined,
    effect,
    actions: stringList(raw["Action"], "Action", index),
    notActions: stringList(raw["NotAction"], "NotAction", index),
    resources: stringList(raw["Resource"], "Resource", index),
    notResources: stringList(raw["NotResource"], "NotResource", index),
    principal: normalisePrincipal(raw["Principal"], index),
    condition: condition as NormalisedStatement["condition"],
  };
}

/**
 * Parses an IAM policy document given as a JSON string or an object.
 *
 * @throws PolicyDocumentError when the text is not JSON, `Statement` is missing, or a field has the wrong shape.
 */
export function parsePolicyDocument(document: unknown): NormalisedStatement[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch (err) {
      throw new PolicyDocumentError(`not valid JSON (${(err as Error).message})`);
    }
  }
  if (!isRecord(parsed)) throw new PolicyDocumentError("must be a JSON object with a Statement field");
  const statements = parsed["Statement"];
  if (statements === undefined) throw new PolicyDocumentError("has no Statement field");
  const list: unknown[] = Array.isArray(statements) ? statements : [statements];
  return list.map(normaliseStatement);
}

/** `"*"`: every action of every service. */
export function isFullWildcardAction(action: string): boolean {
  return action.trim() === "*";
}

/** `"s3:*"`: every action of one service. */
export function isServiceWildcardAction(action: string): boolean {
  return /^[a-z0-9-]+:\*$/i.test(action.trim());
}

const READ_ONLY_VERBS = /^(Get|List|Describe|Head|BatchGet|Query|Scan|View|Search|Lookup|Select)/;

/**
 * True when the action (possibly ending in a wildcard, e.g. `s3:Get*`) only reads.
 * Anything that is not recognisably a read is treated as a write, so the check errs on the safe side.
 */
export function isReadOnlyAction(action: string): boolean {
  const colon = action.indexOf(":");
  if (colon < 0) return false;
  const verb = action.slice(colon + 1);
  return READ_ONLY_VERBS.test(verb);
}

/**
 * True for AWS-managed policies that grant administrator or whole-service access: `AdministratorAccess*`,
 * every `*PowerUser*` policy (`PowerUserAccess`, `AmazonCognitoPowerUser`…) and every `*FullAccess*` policy
 * (e.g. `AmazonS3FullAccess`, `AWSLambda_FullAccess`).
 */
export function isBroadManagedPolicyArn(arn: string): boolean {
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn.trim());
  if (!match) return false;
  const name = match[1] ?? "";
  return /^AdministratorAccess/.test(name) || /PowerUser/.test(name) || /FullAccess/.test(name);
}

/** The 12-digit account of `arn:aws:iam::<account>:root`, or undefined when the ARN is not an account root. */
export function accountRootOf(principalArn: string): string | undefined {
  if (/^\d{12}$/.test(principalArn)) return principalArn;
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principalArn);
  return match?.[1];
}
