/**
 * S3: buckets are encrypted with KMS, never public, versioned, reachable over TLS only, and logged.
 *
 * @pulumi/aws 7 keeps the pre-v7 classes as deprecated `*V2` aliases (`aws.s3.BucketV2`,
 * `aws.s3.BucketVersioningV2`…) with their own type tokens: every policy here checks both, so a program written
 * against the old names gets the same checks.
 */
import * as aws from "@pulumi/aws";
import { type ReportViolation, type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { parsePolicyDocument, PolicyDocumentError, type NormalisedStatement } from "./lib/policyDocument";
import { isProvided, readKnown } from "./lib/known";
import { refersTo, type StackResource } from "./lib/stackReferences";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** Type tokens of the v7 classes and their deprecated V2 aliases (test/policies/s3.test.ts checks them against the classes). */
export const S3_TYPES = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
} as const;

interface S3KmsConfig {
  /** Require an explicit (customer-managed) key instead of the default `aws/s3` key. */
  requireCustomerManagedKey: boolean;
}
const S3_KMS_DEFAULTS: S3KmsConfig = { requireCustomerManagedKey: true };

interface EncryptionRules {
  readonly rules?: readonly { readonly applyServerSideEncryptionByDefault?: { readonly sseAlgorithm: string; readonly kmsMasterKeyId?: string } }[];
}

function checkEncryption(sse: EncryptionRules, config: S3KmsConfig, report: ReportViolation): void {
  const rules = sse.rules ?? [];
  if (rules.length === 0) {
    report(violation("The encryption configuration has no rules.", "add a rule with applyServerSideEncryptionByDefault.sseAlgorithm \"aws:kms\"."));
    return;
  }
  rules.forEach((rule, i) => {
    const byDefault = rule.applyServerSideEncryptionByDefault;
    if (!byDefault || !KMS_ALGORITHMS.includes(byDefault.sseAlgorithm)) {
      report(violation(
        `rules[${i}] encrypts with ${JSON.stringify(byDefault?.sseAlgorithm ?? "nothing")}, not SSE-KMS.`,
        "set applyServerSideEncryptionByDefault.sseAlgorithm to \"aws:kms\" and kmsMasterKeyId to a key from aws.kms.Key.",
      ));
    } else if (config.requireCustomerManagedKey && !isProvided(() => byDefault.kmsMasterKeyId)) {
      report(violation(
        `rules[${i}] uses the AWS-managed aws/s3 key.`,
        "set applyServerSideEncryptionByDefault.kmsMasterKeyId to a customer-managed aws.kms.Key (rotation and key policy under your control).",
      ));
    }
  });
}

export const s3BucketSseKms: ResourceValidationPolicy = {
  name: "s3-bucket-sse-kms",
  description: "S3 bucket default encryption uses SSE-KMS with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { requireCustomerManagedKey: { type: "boolean", default: S3_KMS_DEFAULTS.requireCustomerManagedKey } },
  },
  validateResource: [
    validateResourceOfType(aws.s3.BucketServerSideEncryptionConfiguration, (sse, args, report) => checkEncryption(sse, configOf(args, S3_KMS_DEFAULTS), report)),
    validateResourceOfType(aws.s3.BucketServerSideEncryptionConfigurationV2, (sse, args, report) => checkEncryption(sse, configOf(args, S3_KMS_DEFAULTS), report)),
  ],
};

export const s3PublicAccessBlock: ResourceValidationPolicy = {
  name: "s3-public-access-block",
  description: "S3 public access blocks turn on all four settings.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateResourceOfType(aws.s3.BucketPublicAccessBlock, (pab, _args, report) => {
    const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
    const off = flags.filter((flag) => pab[flag] !== true);
    if (off.length > 0) {
      report(violation(`Public access is not fully blocked: ${off.join(", ")} not true.`, `set ${off.join(", ")} to true.`));
    }
  }),
};

function checkVersioning(versioning: { readonly versioningConfiguration?: { readonly status: string } }, report: ReportViolation): void {
  const status = versioning.versioningConfiguration?.status;
  if (status !== "Enabled") {
    report(violation(`Versioning status is ${JSON.stringify(status)}.`, "set versioningConfiguration.status to \"Enabled\"."));
  }
}

export const s3BucketVersioning: ResourceValidationPolicy = {
  name: "s3-bucket-versioning",
  description: "S3 bucket versioning is Enabled, so overwritten or deleted objects can be recovered.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: [
    validateResourceOfType(aws.s3.BucketVersioning, (versioning, _args, report) => checkVersioning(versioning, report)),
    validateResourceOfType(aws.s3.BucketVersioningV2, (versioning, _args, report) => checkVersioning(versioning, report)),
  ],
};

function conditionIsFalse(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v === false || v === "false");
}

/** True when the statement denies every S3 action to everyone over plain HTTP (on whatever resources it names). */
export function isTlsOnlyStatement(statement: NormalisedStatement): boolean {
  if (statement.effect !== "Deny" || !statement.principal?.wildcard) return false;
  if (!statement.actions.some((a) => a === "*" || a === "s3:*")) return false;
  const bool = statement.condition?.["Bool"];
  return bool !== undefined && conditionIsFalse(bool["aws:SecureTransport"]);
}

/**
 * What the TLS-only statements of a bucket policy leave uncovered: the bucket itself (`arn:…:::b`, for ListBucket and
 * bucket calls) and its objects (`arn:…:::b/*`). `bucket` is the policy's bucket when known; unknown, any bucket
 * covered both ways counts.
 */
export function tlsCoverageGaps(statements: readonly NormalisedStatement[], bucket: string | undefined): string[] {
  const resources = statements.filter(isTlsOnlyStatement).flatMap((s) => s.resources);
  if (resources.includes("*")) return [];
  const arnBucket = (arn: string): string | undefined => /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn)?.[1];
  const objectsOf = (arn: string): string | undefined => /^arn:aws[a-z-]*:s3:::([^/]+)\/\*$/.exec(arn)?.[1];
  const buckets = new Set(resources.map(arnBucket).filter((b): b is string => b !== undefined));
  const objectBuckets = new Set(resources.map(objectsOf).filter((b): b is string => b !== undefined));
  const target = bucket ?? [...buckets].find((b) => objectBuckets.has(b)) ?? [...buckets, ...objectBuckets][0];
  if (target === undefined) return ["the bucket", "its objects"];
  return [...(buckets.has(target) ? [] : [`the bucket (arn:aws:s3:::${target})`]), ...(objectBuckets.has(target) ? [] : [`its objects (arn:aws:s3:::${target}/*)`])];
}

export const s3TlsOnlyPolicy: ResourceValidationPolicy = {
  name: "s3-bucket-tls-only",
  description: "S3 bucket policies deny every request that is not sent over TLS, on the bucket and on its objects.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.s3.BucketPolicy, (bucketPolicy, _args, report) => {
    let statements: NormalisedStatement[];
    try {
      statements = parsePolicyDocument(bucketPolicy.policy);
    } catch (err) {
      if (!(err instanceof PolicyDocumentError)) throw err;
      report(violation(`The bucket policy is not a valid policy document: ${err.message}.`, "pass a JSON policy document with a Statement list."));
      return;
    }
    const remediation = "add {Effect: \"Deny\", Principal: \"*\", Action: \"s3:*\", Resource: [bucketArn, `${bucketArn}/*`], Condition: {Bool: {\"aws:SecureTransport\": \"false\"}}}.";
    if (!statements.some(isTlsOnlyStatement)) {
      report(violation("The bucket policy does not deny requests over plain HTTP.", remediation));
      return;
    }
    const bucket = readKnown(() => bucketPolicy.bucket);
    const gaps = tlsCoverageGaps(statements, typeof bucket === "string" && bucket !== "" ? bucket : undefined);
    if (gaps.length > 0) report(violation(`The TLS-only deny does not cover ${gaps.join(" or ")}: requests there may still use plain HTTP.`, remediation));
  }),
};

interface BucketControlsConfig {
  /** Pulumi resource names of buckets exempt from the check (e.g. imported legacy buckets). */
  exemptBuckets: string[];
}
const BUCKET_CONTROLS_DEFAULTS: BucketControlsConfig = { exemptBuckets: [] };

function hasCompanion(bucket: StackResource, companions: readonly StackResource[]): boolean {
  return companions.some((c) => refersTo(c, "bucket", bucket, (props) => props["bucket"]));
}

type Props = Record<string, unknown>;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? (v as Props)[key] : undefined), value);

/**
 * The bucket's deprecated inline settings count only when known and compliant: AWS fills them in on every bucket
 * (SSE-S3 by default, `versioning {enabled: false}`), so their mere presence proves nothing.
 */
function inlineCompliant(bucket: StackResource, setting: "serverSideEncryptionConfiguration" | "versioning" | "policy"): boolean {
  const value = readKnown(() => bucket.props[setting] as unknown);
  if (value === undefined || value === null || value === "") return false;
  if (setting === "versioning") return readKnown(() => get(value, "enabled")) === true;
  if (setting === "serverSideEncryptionConfiguration") {
    const algorithm = readKnown(() => get(value, "rule", "applyServerSideEncryptionByDefault", "sseAlgorithm"));
    return typeof algorithm === "string" && KMS_ALGORITHMS.includes(algorithm);
  }
  try {
    return parsePolicyDocument(value).some(isTlsOnlyStatement);
  } catch (err) {
    if (err instanceof PolicyDocumentError) return false;
    throw err;
  }
}

function checkBucketControls(resources: readonly StackResource[], config: BucketControlsConfig, report: ReportViolation): void {
  const ofTypes = (tokens: readonly string[]) => resources.filter((r) => tokens.includes(r.type));
  const sse = ofTypes(S3_TYPES.encryption);
  const pab = ofTypes(S3_TYPES.publicAccessBlock);
  const versioning = ofTypes(S3_TYPES.versioning);
  const policies = ofTypes(S3_TYPES.policy);
  for (const bucket of ofTypes(S3_TYPES.bucket)) {
    if (config.exemptBuckets.includes(bucket.name)) continue;
    const missing: string[] = [];
    if (!hasCompanion(bucket, sse) && !inlineCompliant(bucket, "serverSideEncryptionConfiguration")) missing.push("aws.s3.BucketServerSideEncryptionConfiguration");
    if (!hasCompanion(bucket, pab)) missing.push("aws.s3.BucketPublicAccessBlock");
    if (!hasCompanion(bucket, versioning) && !inlineCompliant(bucket, "versioning")) missing.push("aws.s3.BucketVersioning");
    if (!hasCompanion(bucket, policies) && !inlineCompliant(bucket, "policy")) missing.push("aws.s3.BucketPolicy (TLS-only)");
    if (missing.length > 0) {
      report(violation(`Bucket '${bucket.name}' has no ${missing.join(", ")}.`, `create ${missing.join(", ")} with bucket: <bucket>.id.`), bucket.urn);
    }
  }
}

export const s3BucketControlsPresent: StackValidationPolicy = {
  name: "s3-bucket-controls-present",
  description: "Every S3 bucket has an encryption configuration, a public access block, versioning and a bucket policy.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { exemptBuckets: { type: "array", items: { type: "string" }, default: BUCKET_CONTROLS_DEFAULTS.exemptBuckets } },
  },
  validateStack: (args, report) => checkBucketControls(args.resources, configOf(args, BUCKET_CONTROLS_DEFAULTS), report),
};

/**
 * Server access logging (awsguard's s3-bucket-logging-enabled): each bucket has an aws.s3.BucketLogging, unless it is
 * itself the target of another bucket's logging (log buckets are not logged again).
 */
function checkBucketLogging(resources: readonly StackResource[], config: BucketControlsConfig, report: ReportViolation): void {
  const isOneOf = (tokens: readonly string[]) => (r: StackResource) => tokens.includes(r.type);
  const loggings = resources.filter(isOneOf(S3_TYPES.logging));
  for (const bucket of resources.filter(isOneOf(S3_TYPES.bucket))) {
    if (config.exemptBuckets.includes(bucket.name)) continue;
    const logged = hasCompanion(bucket, loggings) || isProvided(() => get(bucket.props["logging"], "targetBucket"));
    const isLogTarget = loggings.some((l) => refersTo(l, "targetBucket", bucket, (props) => props["targetBucket"]));
    if (!logged && !isLogTarget) {
      report(violation(
        `Bucket '${bucket.name}' has no server access logging.`,
        "create an aws.s3.BucketLogging with bucket: <bucket>.id and targetBucket: a log bucket (SSE-S3; S3 does not deliver access logs to SSE-KMS buckets), or record data events with CloudTrail and exempt the bucket.",
      ), bucket.urn);
    }
  }
}

export const s3BucketLoggingEnabled: StackValidationPolicy = {
  name: "s3-bucket-logging-enabled",
  description: "Every S3 bucket has server access logging, unless it is itself a log target.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: {
    properties: { exemptBuckets: { type: "array", items: { type: "string" }, default: BUCKET_CONTROLS_DEFAULTS.exemptBuckets } },
  },
  validateStack: (args, report) => checkBucketLogging(args.resources, configOf(args, BUCKET_CONTROLS_DEFAULTS), report),
};

export const s3Policies = [s3BucketSseKms, s3PublicAccessBlock, s3BucketVersioning, s3TlsOnlyPolicy, s3BucketControlsPresent, s3BucketLoggingEnabled];
