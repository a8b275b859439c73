import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { s3BucketControlsPresent, s3BucketSseKms, s3BucketVersioning, s3PublicAccessBlock, s3TlsOnlyPolicy } from "../../policies/s3";
import { resourceOf, runResourcePolicy, runStackPolicy, typeTokenOf, type StackResourceUnderTest } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("s3-bucket-sse-kms", () => {
  type Args = Unwrap<aws.s3.BucketServerSideEncryptionConfigurationArgs>;
  const sse = (rules: Args["rules"]) => resourceOf(aws.s3.BucketServerSideEncryptionConfiguration, { bucket: "data", rules });
  const kmsRule = { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true };

  it("passes SSE-KMS with a customer-managed key", async () => {
    expect((await runResourcePolicy(s3BucketSseKms, sse([kmsRule]))).violations).toEqual([]);
  });

  it("flags AES256", async () => {
    const run = await runResourcePolicy(s3BucketSseKms, sse([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]));
    expect(run.violations).toEqual([expect.stringMatching(/^rules\[0\] encrypts with "AES256", not SSE-KMS\. Remediation: set applyServerSideEncryptionByDefault\.sseAlgorithm/)]);
  });

  it("flags the AWS-managed aws/s3 key unless the config allows it", async () => {
    const awsManaged = sse([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }]);
    expect((await runResourcePolicy(s3BucketSseKms, awsManaged)).violations).toEqual([expect.stringMatching(/^rules\[0\] uses the AWS-managed aws\/s3 key\./)]);
    expect((await runResourcePolicy(s3BucketSseKms, awsManaged, { requireCustomerManagedKey: false })).violations).toEqual([]);
  });

  it("flags a rule without a default and an empty rule list", async () => {
    expect((await runResourcePolicy(s3BucketSseKms, sse([{ bucketKeyEnabled: true }]))).violations).toEqual([expect.stringMatching(/rules\[0\] encrypts with "nothing"/)]);
    expect((await runResourcePolicy(s3BucketSseKms, sse([]))).violations).toEqual([expect.stringMatching(/has no rules/)]);
  });

  it("does not apply to other resource types", async () => {
    const run = await runResourcePolicy(s3BucketSseKms, resourceOf(aws.sns.Topic, {}));
    expect(run).toEqual({ violations: [], urns: [], notApplicable: "Policy only applies to resources of type 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration'" });
  });
});

describe("s3-public-access-block", () => {
  const happy = { bucket: "data", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  const pab = (overrides: Partial<Unwrap<aws.s3.BucketPublicAccessBlockArgs>>) => resourceOf(aws.s3.BucketPublicAccessBlock, { ...happy, ...overrides });

  it("passes with all four settings on", async () => {
    expect((await runResourcePolicy(s3PublicAccessBlock, pab({}))).violations).toEqual([]);
  });

  it.each(["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const)("flags %s off", async (flag) => {
    const run = await runResourcePolicy(s3PublicAccessBlock, pab({ [flag]: false }));
    expect(run.violations).toEqual([`Public access is not fully blocked: ${flag} not true. Remediation: set ${flag} to true.`]);
  });

  it("flags omitted settings (they default to false)", async () => {
    const run = await runResourcePolicy(s3PublicAccessBlock, resourceOf(aws.s3.BucketPublicAccessBlock, { bucket: "data", blockPublicAcls: true }));
    expect(run.violations[0]).toMatch(/blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets not true/);
  });
});

describe("s3-bucket-versioning", () => {
  const versioning = (status: string) => resourceOf(aws.s3.BucketVersioning, { bucket: "data", versioningConfiguration: { status } });

  it("passes Enabled", async () => {
    expect((await runResourcePolicy(s3BucketVersioning, versioning("Enabled"))).violations).toEqual([]);
  });

  it.each(["Suspended", "Disabled"])("flags %s", async (status) => {
    expect((await runResourcePolicy(s3BucketVersioning, versioning(status))).violations).toEqual([
      `Versioning status is "${status}". Remediation: set versioningConfiguration.status to "Enabled".`,
    ]);
  });
});

describe("s3-bucket-tls-only", () => {
  const tlsDeny = {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  const policyWith = (statement: Record<string, unknown>) =>
    resourceOf(aws.s3.BucketPolicy, { bucket: "data", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });

  it("passes a TLS-only deny (as JSON string and as object)", async () => {
    expect((await runResourcePolicy(s3TlsOnlyPolicy, policyWith(tlsDeny))).violations).toEqual([]);
    const asObject = { type: typeTokenOf(aws.s3.BucketPolicy), props: { bucket: "data", policy: { Version: "2012-10-17", Statement: [{ ...tlsDeny, Principal: { AWS: "*" } }] } } };
    expect((await runResourcePolicy(s3TlsOnlyPolicy, asObject)).violations).toEqual([]);
  });

  it.each([
    ["an Allow statement", { ...tlsDeny, Effect: "Allow" }],
    ["a principal other than *", { ...tlsDeny, Principal: { AWS: "arn:aws:iam::123456789012:role/x" } }],
    ["a narrower action", { ...tlsDeny, Action: "s3:GetObject" }],
    ["SecureTransport true", { ...tlsDeny, Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    ["no condition", { ...tlsDeny, Condition: undefined }],
  ])("flags %s", async (_case, statement) => {
    expect((await runResourcePolicy(s3TlsOnlyPolicy, policyWith(statement))).violations).toEqual([
      expect.stringMatching(/^The bucket policy does not deny requests over plain HTTP\. Remediation: add \{Effect: "Deny"/),
    ]);
  });

  it("reports an unreadable document instead of failing the preview", async () => {
    const run = await runResourcePolicy(s3TlsOnlyPolicy, resourceOf(aws.s3.BucketPolicy, { bucket: "data", policy: "{not json" }));
    expect(run.violations).toEqual([expect.stringMatching(/^The bucket policy is not a valid policy document: not valid JSON/)]);
  });
});

describe("s3-bucket-controls-present", () => {
  const bucket: StackResourceUnderTest = { ...resourceOf(aws.s3.Bucket, {}, "data"), name: "data", props: { bucket: "cad-data-123", id: "cad-data-123" } };
  const companion = (cls: unknown, name: string, props: Record<string, unknown>, viaDependency: boolean): StackResourceUnderTest => ({
    type: typeTokenOf(cls),
    name,
    props: viaDependency ? { ...props, bucket: undefined } : { ...props, bucket: "cad-data-123" },
    propertyDependencies: viaDependency ? { bucket: ["data"] } : undefined,
  });
  const controls = (viaDependency: boolean) => [
    companion(aws.s3.BucketServerSideEncryptionConfiguration, "data-sse", { rules: [] }, viaDependency),
    companion(aws.s3.BucketPublicAccessBlock, "data-pab", {}, viaDependency),
    companion(aws.s3.BucketVersioning, "data-versioning", {}, viaDependency),
    companion(aws.s3.BucketPolicy, "data-policy", {}, viaDependency),
  ];

  it("passes when every control refers to the bucket by name", async () => {
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket, ...controls(false)])).violations).toEqual([]);
  });

  it("passes when the controls refer to the bucket through property dependencies (preview: names unknown)", async () => {
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket, ...controls(true)])).violations).toEqual([]);
  });

  it.each([
    ["data-sse", "aws.s3.BucketServerSideEncryptionConfiguration"],
    ["data-pab", "aws.s3.BucketPublicAccessBlock"],
    ["data-versioning", "aws.s3.BucketVersioning"],
    ["data-policy", "aws.s3.BucketPolicy (TLS-only)"],
  ])("flags a bucket without %s", async (left, missing) => {
    const run = await runStackPolicy(s3BucketControlsPresent, [bucket, ...controls(false).filter((c) => c.name !== left)]);
    expect(run.violations).toEqual([`Bucket 'data' has no ${missing}. Remediation: create ${missing} with bucket: <bucket>.id.`]);
    expect(run.urns).toEqual(["urn:pulumi:test::container-anomaly-detection::aws:s3/bucket:Bucket::data"]);
  });

  it("counts deprecated inline settings, also when their value is unknown during preview", async () => {
    const inlineBucket = { ...bucket, props: asPreview({ ...bucket.props, serverSideEncryptionConfiguration: { rule: {} }, versioning: { enabled: true }, policy: UNKNOWN }) };
    const onlyPab = controls(false).filter((c) => c.name === "data-pab");
    expect((await runStackPolicy(s3BucketControlsPresent, [inlineBucket, ...onlyPab])).violations).toEqual([]);
  });

  it("does not count controls of another bucket, and honours exemptBuckets", async () => {
    const other = controls(false).map((c) => ({ ...c, props: { ...c.props, bucket: "someone-else" } }));
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket, ...other])).violations).toHaveLength(1);
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket], { exemptBuckets: ["data"] })).violations).toEqual([]);
  });
});
