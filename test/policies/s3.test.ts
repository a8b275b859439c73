import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { S3_TYPES, s3BucketControlsPresent, s3BucketLoggingEnabled, s3BucketSseKms, s3BucketVersioning, s3PublicAccessBlock, s3TlsOnlyPolicy } from "../../policies/s3";
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
    expect(run).toMatchObject({ violations: [], urns: [], notApplicable: expect.stringMatching(/^Policy only applies to resources of type 'aws:s3\/bucketServerSideEncryptionConfiguration/) });
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

  // Issue 16, item 9: a TLS deny on the objects alone leaves bucket calls (ListBucket…) open over HTTP, and vice versa.
  it.each([
    ["the objects only", ["arn:aws:s3:::data/*"], /does not cover the bucket \(arn:aws:s3:::data\)/],
    ["the bucket only", ["arn:aws:s3:::data"], /does not cover its objects \(arn:aws:s3:::data\/\*\)/],
    ["another bucket", ["arn:aws:s3:::other", "arn:aws:s3:::other/*"], /does not cover the bucket \(arn:aws:s3:::data\) or its objects/],
  ])("flags a TLS deny covering %s", async (_case, Resource, message) => {
    const run = await runResourcePolicy(s3TlsOnlyPolicy, policyWith({ ...tlsDeny, Resource }));
    expect(run.violations).toEqual([expect.stringMatching(message)]);
  });

  it("accepts the bucket and its objects covered by separate statements, or Resource \"*\"", async () => {
    const split = resourceOf(aws.s3.BucketPolicy, {
      bucket: "data",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ ...tlsDeny, Resource: "arn:aws:s3:::data" }, { ...tlsDeny, Resource: "arn:aws:s3:::data/*" }] }),
    });
    expect((await runResourcePolicy(s3TlsOnlyPolicy, split)).violations).toEqual([]);
    expect((await runResourcePolicy(s3TlsOnlyPolicy, policyWith({ ...tlsDeny, Resource: "*" }))).violations).toEqual([]);
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

  // Issue 16, item 6: AWS fills the deprecated inline outputs in on every bucket; they prove nothing.
  it("does not count the inline encryption and versioning AWS reports for every new bucket", async () => {
    const awsDefaults = { ...bucket, props: { ...bucket.props, serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } }, versioning: { enabled: false, mfaDelete: false }, policy: "" } };
    const onlyPab = controls(false).filter((c) => c.name === "data-pab");
    expect((await runStackPolicy(s3BucketControlsPresent, [awsDefaults, ...onlyPab])).violations).toEqual([
      "Bucket 'data' has no aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketVersioning, aws.s3.BucketPolicy (TLS-only). Remediation: create aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketVersioning, aws.s3.BucketPolicy (TLS-only) with bucket: <bucket>.id.",
    ]);
  });

  it("does not count inline settings unknown during a first preview", async () => {
    const unknownInline = { ...bucket, props: asPreview({ ...bucket.props, serverSideEncryptionConfiguration: UNKNOWN, versioning: UNKNOWN, policy: UNKNOWN }) };
    expect((await runStackPolicy(s3BucketControlsPresent, [unknownInline, ...controls(false).filter((c) => c.name === "data-pab")])).violations).toHaveLength(1);
  });

  it("counts inline settings that are known and compliant: SSE-KMS, versioning enabled, a TLS-only policy", async () => {
    const tls = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::cad-data-123", "arn:aws:s3:::cad-data-123/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }] };
    const inline = { ...bucket, props: { ...bucket.props, serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } } }, versioning: { enabled: true }, policy: JSON.stringify(tls) } };
    expect((await runStackPolicy(s3BucketControlsPresent, [inline, ...controls(false).filter((c) => c.name === "data-pab")])).violations).toEqual([]);
  });

  // Issue 16, item 9: the deprecated *V2 classes carry their own type tokens.
  it("checks aws.s3.BucketV2 buckets and counts their *V2 companions", async () => {
    const v2Bucket = { ...bucket, type: typeTokenOf(aws.s3.BucketV2) };
    const v2Controls = [
      { ...controls(false)[0], type: typeTokenOf(aws.s3.BucketServerSideEncryptionConfigurationV2) },
      controls(false)[1],
      { ...controls(false)[2], type: typeTokenOf(aws.s3.BucketVersioningV2) },
      controls(false)[3],
    ];
    expect((await runStackPolicy(s3BucketControlsPresent, [v2Bucket])).violations).toHaveLength(1);
    expect((await runStackPolicy(s3BucketControlsPresent, [v2Bucket, ...v2Controls])).violations).toEqual([]);
  });

  it("does not count controls of another bucket, and honours exemptBuckets", async () => {
    const other = controls(false).map((c) => ({ ...c, props: { ...c.props, bucket: "someone-else" } }));
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket, ...other])).violations).toHaveLength(1);
    expect((await runStackPolicy(s3BucketControlsPresent, [bucket], { exemptBuckets: ["data"] })).violations).toEqual([]);
  });
});

describe("the deprecated *V2 classes", () => {
  it("are the type tokens the S3 policies list", () => {
    expect(S3_TYPES.bucket).toEqual([typeTokenOf(aws.s3.Bucket), typeTokenOf(aws.s3.BucketV2)]);
    expect(S3_TYPES.encryption).toEqual([typeTokenOf(aws.s3.BucketServerSideEncryptionConfiguration), typeTokenOf(aws.s3.BucketServerSideEncryptionConfigurationV2)]);
    expect(S3_TYPES.versioning).toEqual([typeTokenOf(aws.s3.BucketVersioning), typeTokenOf(aws.s3.BucketVersioningV2)]);
    expect(S3_TYPES.logging).toEqual([typeTokenOf(aws.s3.BucketLogging), typeTokenOf(aws.s3.BucketLoggingV2)]);
  });

  it("get the same resource checks (SSE-KMS, versioning)", async () => {
    const aes = resourceOf(aws.s3.BucketServerSideEncryptionConfigurationV2, { bucket: "data", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    expect((await runResourcePolicy(s3BucketSseKms, aes)).violations).toEqual([expect.stringMatching(/encrypts with "AES256", not SSE-KMS/)]);
    const suspended = resourceOf(aws.s3.BucketVersioningV2, { bucket: "data", versioningConfiguration: { status: "Suspended" } });
    expect((await runResourcePolicy(s3BucketVersioning, suspended)).violations).toEqual([expect.stringMatching(/Versioning status is "Suspended"/)]);
  });
});

describe("s3-bucket-logging-enabled (awsguard's counterpart)", () => {
  const bucket = (name: string, id: string): StackResourceUnderTest => ({ type: typeTokenOf(aws.s3.Bucket), name, props: { bucket: id, id } });
  const logging = (props: Record<string, unknown>, deps?: Record<string, string[]>): StackResourceUnderTest => ({ type: typeTokenOf(aws.s3.BucketLogging), name: "data-logging", props, propertyDependencies: deps });

  it("flags a bucket without server access logging", async () => {
    const run = await runStackPolicy(s3BucketLoggingEnabled, [bucket("data", "cad-data")]);
    expect(run.violations).toEqual([expect.stringMatching(/^Bucket 'data' has no server access logging\. Remediation: create an aws\.s3\.BucketLogging/)]);
  });

  it("passes a logged bucket (by id or dependency, v7 or V2) and its log target bucket", async () => {
    const resources = [bucket("data", "cad-data"), bucket("logs", "cad-logs"), logging({ bucket: "cad-data", targetBucket: "cad-logs", targetPrefix: "data/" })];
    expect((await runStackPolicy(s3BucketLoggingEnabled, resources)).violations).toEqual([]);
    const v2 = { ...logging({ bucket: undefined, targetBucket: "cad-logs" }, { bucket: ["data"] }), type: typeTokenOf(aws.s3.BucketLoggingV2) };
    expect((await runStackPolicy(s3BucketLoggingEnabled, [bucket("data", "cad-data"), bucket("logs", "cad-logs"), v2])).violations).toEqual([]);
  });

  it("honours exemptBuckets", async () => {
    expect((await runStackPolicy(s3BucketLoggingEnabled, [bucket("data", "cad-data")], { exemptBuckets: ["data"] })).violations).toEqual([]);
  });
});
