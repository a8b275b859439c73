/** S3: buckets are encrypted with KMS, never public, versioned and reachable over TLS only. */
import * as aws from "@pulumi/aws";
import { type ReportViolation, type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { parsePolicyDocument, PolicyDocumentError, type NormalisedStatement } from "./lib/policyDocument";
import { isProvided } from "./lib/known";
import { refersTo, type StackResource } from "./lib/stackReferences";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

interface S3KmsConfig {
  /** Require an explicit (customer-managed) key instead of the default `aws/s3` key. */
  requireCustomerManagedKey: boolean;
}
const S3_KMS_DEFAULTS: S3KmsConfig = { requireCustomerManagedKey: true };

export const s3BucketSseKms: ResourceValidationPolicy = {
  name: "s3-bucket-sse-kms",
  description: "S3 bucket default encryption uses SSE-KMS with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { requireCustomerManagedKey: { type: "boolean", default: S3_KMS_DEFAULTS.requireCustomerManagedKey } },
  },
  validateResource: validateResourceOfType(aws.s3.BucketServerSideEncryptionConfiguration, (sse, args, report) => {
    const config = configOf(args, S3_KMS_DEFAULTS);
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
  }),
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

export const s3BucketVersioning: ResourceValidationPolicy = {
  name: "s3-bucket-versioning",
  description: "S3 bucket versioning is Enabled, so overwritten or deleted objects can be recovered.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.s3.BucketVersioning, (versioning, _args, report) => {
    const status = versioning.versioningConfiguration?.status;
    if (status !== "Enabled") {
      report(violation(`Versioning status is ${JSON.stringify(status)}.`, "set versioningConfiguration.status to \"Enabled\"."));
    }
  }),
};

function conditionIsFalse(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v === false || v === "false");
}

/** True when the statement denies every S3 action to everyone over plain HTTP. */
export function isTlsOnlyStatement(statement: NormalisedStatement): boolean {
  if (statement.effect !== "Deny" || !statement.principal?.wildcard) return false;
  if (!statement.actions.some((a) => a === "*" || a === "s3:*")) return false;
  const bool = statement.condition?.["Bool"];
  return bool !== undefined && conditionIsFalse(bool["aws:SecureTransport"]);
}

export const s3TlsOnlyPolicy: ResourceValidationPolicy = {
  name: "s3-bucket-tls-only",
  description: "S3 bucket policies deny every request that is not sent over TLS.",
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
    if (!statements.some(isTlsOnlyStatement)) {
      report(violation(
        "The bucket policy does not deny requests over plain HTTP.",
        "add {Effect: \"Deny\", Principal: \"*\", Action: \"s3:*\", Resource: [bucketArn, `${bucketArn}/*`], Condition: {Bool: {\"aws:SecureTransport\": \"false\"}}}.",
      ));
    }
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

function checkBucketControls(resources: readonly StackResource[], config: BucketControlsConfig, report: ReportViolation): void {
  const ofType = (token: string) => resources.filter((r) => r.type === token);
  const sse = ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
  const pab = ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
  const versioning = ofType("aws:s3/bucketVersioning:BucketVersioning");
  const policies = ofType("aws:s3/bucketPolicy:BucketPolicy");
  for (const bucket of ofType("aws:s3/bucket:Bucket")) {
    if (config.exemptBuckets.includes(bucket.name)) continue;
    // Deprecated inline settings count too; a value unknown during preview is still a value.
    const inline = (key: string) => isProvided(() => bucket.props[key]);
    const missing: string[] = [];
    if (!hasCompanion(bucket, sse) && !inline("serverSideEncryptionConfiguration")) missing.push("aws.s3.BucketServerSideEncryptionConfiguration");
    if (!hasCompanion(bucket, pab)) missing.push("aws.s3.BucketPublicAccessBlock");
    if (!hasCompanion(bucket, versioning) && !inline("versioning")) missing.push("aws.s3.BucketVersioning");
    if (!hasCompanion(bucket, policies) && !inline("policy")) missing.push("aws.s3.BucketPolicy (TLS-only)");
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

export const s3Policies = [s3BucketSseKms, s3PublicAccessBlock, s3BucketVersioning, s3TlsOnlyPolicy, s3BucketControlsPresent];
