/**
 * Storage: the stack's customer-managed KMS key and the metrics/model bucket (raw windows, training data sets,
 * model artifacts, handler state), locked down: SSE-KMS by default, versioned, no public access, TLS only,
 * raw windows and old versions expired.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_PREFIXES, type AwsScope } from "./iamDocuments";
import { kmsKeyPolicy, tlsOnlyBucketPolicy } from "./resourcePolicies";

export interface StorageArgs {
  /** Account, partition and region: the key policy names them. */
  readonly scope: pulumi.Input<AwsScope>;
  /** Days raw metric windows (`metrics/`) are kept before they expire. */
  readonly rawRetentionDays: number;
  /** Days a superseded object version is kept before it expires. Default 30. */
  readonly noncurrentVersionDays?: number;
  /**
   * Let `pulumi destroy` empty the bucket (every object version) before deleting it. Off by default: metrics,
   * training sets and models are deleted with it. Turn it on (and `pulumi up`) just before tearing a stack down.
   */
  readonly forceDestroy: boolean;
}

export class Storage extends pulumi.ComponentResource {
  /** The stack's customer-managed key (rotation on): bucket, topic, queue, logs and SageMaker use it. */
  readonly key: aws.kms.Key;
  readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:storage:Storage", name, {}, opts);
    if (!Number.isInteger(args.rawRetentionDays) || args.rawRetentionDays < 1) {
      throw new Error(`Storage "${name}": rawRetentionDays must be a positive whole number of days, got ${args.rawRetentionDays}`);
    }

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${name}: metrics, models, alerts and logs of container-anomaly-detection`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.output(args.scope).apply((scope) => JSON.stringify(kmsKeyPolicy(scope))),
      },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: pulumi.interpolate`alias/${name}`, targetKeyId: this.key.keyId }, { parent: this });

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: args.forceDestroy }, { parent: this });
    const bucket = this.bucket.id;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, { parent: this });
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "expire-raw-windows",
            status: "Enabled",
            filter: { prefix: BUCKET_PREFIXES.raw },
            expiration: { days: args.rawRetentionDays },
          },
          {
            // The notifiers' per-incident progress (docs/integrations.md): rewritten at each event delivered, needed
            // only while an incident's events can still arrive (queue 4 days + dead-letter queue 14 days, redriven).
            id: "expire-notifier-progress",
            status: "Enabled",
            filter: { prefix: `${BUCKET_PREFIXES.state}notify/` },
            expiration: { days: 30 },
          },
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // The lifecycle rules act on versions: apply them once versioning is on.
      { parent: this, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket, policy: this.bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
      // S3 rejects a bucket policy while the public-access block is being applied.
      { parent: this, dependsOn: [publicAccess] },
    );

    this.registerOutputs({ keyArn: this.key.arn, bucketName: this.bucket.bucket });
  }
}
