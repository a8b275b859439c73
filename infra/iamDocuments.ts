/**
 * The functions' and SageMaker's role policies as small pure functions of plain ARNs, so that tests (and the
 * CrossGuard pack) can read exactly what each principal may do. Allow statements name their actions and
 * resources; the only `"*"` resources are for actions AWS does not scope to a resource (each commented). Trust
 * policies and the policies attached to resources (key, bucket, topic, queues) are in resourcePolicies.ts.
 */

/** An IAM policy statement in AWS's JSON shape. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly Service?: string | readonly string[]; readonly AWS?: string | readonly string[] };
  readonly Action: readonly string[];
  /** Absent only in trust policies. */
  readonly Resource?: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Where the stack runs: enough to build ARNs. */
export interface AwsScope {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** Bucket layout shared by the collector, the detector, training and SageMaker. Prefixes end with `/`. */
export const BUCKET_PREFIXES = {
  /**
   * Raw metric windows written by the collector (its keys are `metrics/service=<svc>/date=<day>/<start>.csv`);
   * expired by the lifecycle rule.
   */
  raw: "metrics/",
  /** Training data sets: `training/<version>/train/`. */
  training: "training/",
  /** Model artifacts (SageMaker output and the embedded forest's state). */
  models: "models/",
  /** Handler state (checkpoints, thresholds, open incidents). */
  state: "state/",
} as const;

/** A policy document of these statements. */
export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
const doc = policyDocument;

/** What every function needs: its own log streams, the DLQ as on-failure destination, the key for both. */
export interface FunctionBaseResources {
  /** ARN of the function's log group (without the `:*` suffix). */
  readonly logGroupArn: string;
  readonly deadLetterQueueArn: string;
  readonly keyArn: string;
}

function functionBase(r: FunctionBaseResources): PolicyStatement[] {
  return [
    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${r.logGroupArn}:*`] },
    // Lambda's on-failure destination sends with the function's role; the detector also parks refused alerts there.
    { Sid: "OnFailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [r.deadLetterQueueArn] },
    { Sid: "UseStackKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [r.keyArn] },
  ];
}

export interface CollectorResources extends FunctionBaseResources {
  readonly bucketArn: string;
  /** With fan-out: the FIFO queue the collector consumes as a worker. */
  readonly workQueueArn?: string;
}

/** What Lambda's event source mapping needs from a worker's role to consume its queue, and nothing more. */
function consumeWorkQueue(queueArn: string | undefined): PolicyStatement[] {
  if (queueArn === undefined) return [];
  return [{ Sid: "ConsumeWorkQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], Resource: [queueArn] }];
}

export interface PlannerResources extends FunctionBaseResources {
  /** The FIFO queue the planner fills. */
  readonly workQueueArn: string;
  /** With `discovery`: the ARNs of the ECS clusters whose services the planner lists. */
  readonly clusterArns?: readonly string[];
}

/**
 * A planner sends to its work queue (encrypted with the stack key) and logs: no bucket, no secrets. With
 * `discovery` it may also list and describe the services of exactly the configured clusters, nothing else of ECS.
 */
export function plannerPolicy(r: PlannerResources): PolicyDocument {
  const clusters = r.clusterArns ?? [];
  return doc(
    ...functionBase(r),
    { Sid: "EnqueueWork", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [r.workQueueArn] },
    ...(clusters.length === 0
      ? []
      : [
          // ListServices takes no resource-level permission (the Service Authorization Reference lists no resource
          // type for it): "*" with the documented ecs:cluster condition key, so only these clusters can be listed.
          { Sid: "ListClusterServices", Effect: "Allow" as const, Action: ["ecs:ListServices"], Resource: ["*"], Condition: { ArnEquals: { "ecs:cluster": [...clusters] } } },
          { Sid: "DescribeClusterServices", Effect: "Allow" as const, Action: ["ecs:DescribeServices"], Resource: clusters.map(servicesOfClusterArn) },
        ]),
  );
}

/** The collector writes raw windows and its own checkpoint; it reads nothing else. */
export function collectorPolicy(r: CollectorResources): PolicyDocument {
  return doc(
    ...functionBase(r),
    ...consumeWorkQueue(r.workQueueArn),
    { Sid: "WriteRawWindows", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${r.bucketArn}/${BUCKET_PREFIXES.raw}*`] },
    {
      Sid: "OwnCheckpoint",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: [`${r.bucketArn}/${BUCKET_PREFIXES.state}collector/*`],
    },
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [r.bucketArn],
      Condition: { StringLike: { "s3:prefix": [`${BUCKET_PREFIXES.raw}*`, `${BUCKET_PREFIXES.state}collector/*`] } },
    },
  );
}

export interface DetectorResources extends FunctionBaseResources {
  readonly bucketArn: string;
  readonly topicArn: string;
  /** The SageMaker endpoint's ARN, when the scorer is `sagemaker`. */
  readonly endpointArn?: string;
  /** With the SageMaker scorer: the training set version whose features.json and threshold.json the detector reads. */
  readonly trainingDataVersion?: string;
  /** ARNs of the ECS services the detector may describe and scale. */
  readonly serviceArns: readonly string[];
  /** With `discovery`: the ARNs of the clusters whose services (any of them, as found by the planner) it may describe and scale. */
  readonly clusterArns?: readonly string[];
  readonly scope: AwsScope;
  /** With fan-out: the FIFO queue the detector consumes as a worker. */
  readonly workQueueArn?: string;
}

/**
 * The detector reads windows and models, keeps its state, publishes alerts, scores on the endpoint and scales
 * exactly the configured services.
 */
export function detectorPolicy(r: DetectorResources): PolicyDocument {
  const { partition, region, accountId } = r.scope;
  const statements: PolicyStatement[] = [
    ...functionBase(r),
    ...consumeWorkQueue(r.workQueueArn),
    {
      Sid: "ReadWindowsAndModels",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [
        `${r.bucketArn}/${BUCKET_PREFIXES.raw}*`,
        `${r.bucketArn}/${BUCKET_PREFIXES.models}*`,
        // The SageMaker model's feature description and calibrated threshold: two objects of one version, nothing else.
        ...(r.trainingDataVersion === undefined
          ? []
          : [`${r.bucketArn}/${BUCKET_PREFIXES.training}${r.trainingDataVersion}/features.json`, `${r.bucketArn}/${BUCKET_PREFIXES.training}${r.trainingDataVersion}/threshold.json`]),
      ],
    },
    {
      // Detection state and the scaler's records (raised capacity, cooldowns) live under their own prefixes.
      Sid: "OwnState",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: [`${r.bucketArn}/${BUCKET_PREFIXES.state}detector/*`, `${r.bucketArn}/${BUCKET_PREFIXES.state}scaler/*`],
    },
    // Operators' feedback on incidents (written by `cad feedback`): the detector only reads it.
    { Sid: "ReadFeedback", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${r.bucketArn}/${BUCKET_PREFIXES.state}feedback/*`] },
    {
      Sid: "ListReadablePrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [r.bucketArn],
      Condition: {
        StringLike: {
          // Listing lets a missing object read as "not found" (404) instead of "access denied" (403).
          "s3:prefix": [
            `${BUCKET_PREFIXES.raw}*`,
            `${BUCKET_PREFIXES.models}*`,
            `${BUCKET_PREFIXES.state}detector/*`,
            `${BUCKET_PREFIXES.state}scaler/*`,
            `${BUCKET_PREFIXES.state}feedback/*`,
            ...(r.trainingDataVersion === undefined ? [] : [`${BUCKET_PREFIXES.training}${r.trainingDataVersion}/*`]),
          ],
        },
      },
    },
    { Sid: "PublishAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: [r.topicArn] },
    // No statement for an empty list: IAM refuses a statement without a resource.
    ...(r.serviceArns.length === 0 ? [] : [{ Sid: "ScaleConfiguredServices", Effect: "Allow" as const, Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: [...r.serviceArns] }]),
    ...((r.clusterArns ?? []).length === 0
      ? []
      : [{ Sid: "ScaleServicesOfWatchedClusters", Effect: "Allow" as const, Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: (r.clusterArns ?? []).map(servicesOfClusterArn) }]),
    // DescribeScalableTargets supports no resource-level permission: AWS requires "*" for it (read-only).
    { Sid: "DescribeScalableTargets", Effect: "Allow", Action: ["application-autoscaling:DescribeScalableTargets"], Resource: ["*"] },
    {
      // Scalable-target ARNs carry a generated id, so the statement is scoped by the documented condition keys.
      Sid: "RaiseMinCapacityOfEcsServices",
      Effect: "Allow",
      Action: ["application-autoscaling:RegisterScalableTarget"],
      Resource: [`arn:${partition}:application-autoscaling:${region}:${accountId}:scalable-target/*`],
      Condition: {
        StringEquals: {
          "application-autoscaling:service-namespace": "ecs",
          "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount",
        },
      },
    },
  ];
  if (r.endpointArn !== undefined) {
    statements.push({ Sid: "ScoreOnEndpoint", Effect: "Allow", Action: ["sagemaker:InvokeEndpoint"], Resource: [r.endpointArn] });
  }
  return doc(...statements);
}

export interface SageMakerResources {
  readonly bucketArn: string;
  readonly keyArn: string;
  /** Version label of the training data set the job reads (`training/<version>/`). */
  readonly trainingDataVersion: string;
  readonly scope: AwsScope;
}

/** The SageMaker execution role reads one training data set, writes and reads model artifacts, logs its jobs. */
export function sageMakerExecutionPolicy(r: SageMakerResources): PolicyDocument {
  const { partition, region, accountId } = r.scope;
  const trainingPrefix = `${BUCKET_PREFIXES.training}${r.trainingDataVersion}/`;
  return doc(
    { Sid: "ReadTrainingData", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${r.bucketArn}/${trainingPrefix}*`] },
    {
      Sid: "ListTrainingData",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [r.bucketArn],
      Condition: { StringLike: { "s3:prefix": [`${trainingPrefix}*`] } },
    },
    { Sid: "ModelArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${r.bucketArn}/${BUCKET_PREFIXES.models}*`] },
    {
      Sid: "UseStackKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"],
      Resource: [r.keyArn],
    },
    {
      Sid: "WriteJobLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [`arn:${partition}:logs:${region}:${accountId}:log-group:/aws/sagemaker/*`],
    },
    {
      // PutMetricData supports no resource-level permission; the namespace condition confines it to SageMaker's.
      Sid: "PublishJobMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: ["*"],
      Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
    },
  );
}

/** ARN of an ECS service (long ARN format, which includes the cluster). */
export function ecsServiceArn(scope: AwsScope, cluster: string, service: string): string {
  return `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:service/${cluster}/${service}`;
}

/** ARN of an ECS cluster. */
export function ecsClusterArn(scope: AwsScope, cluster: string): string {
  return `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:cluster/${cluster}`;
}

/** Every service of a cluster (long ARN format), from the cluster's ARN: `…:service/<cluster>/*`. */
export function servicesOfClusterArn(clusterArn: string): string {
  return `${clusterArn.replace(":cluster/", ":service/")}/*`;
}

export interface NotifierResources extends FunctionBaseResources {
  readonly bucketArn: string;
  /** The notifier's SQS subscription of the alert topic. */
  readonly queueArn: string;
  /** `pagerduty` or `slack`: its progress records live under `state/notify/<kind>/`. */
  readonly kind: string;
}

/**
 * A notifier consumes its queue, parks undeliverable alerts in its dead-letter queue (the base statements' DLQ),
 * and keeps its per-incident progress under its own state prefix. Its credential comes from Vault, not IAM.
 */
export function notifierPolicy(r: NotifierResources): PolicyDocument {
  const prefix = `${BUCKET_PREFIXES.state}notify/${r.kind}/`;
  return doc(
    ...functionBase(r),
    ...consumeWorkQueue(r.queueArn),
    { Sid: "OwnProgress", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${r.bucketArn}/${prefix}*`] },
    // Listing lets a missing progress record read as "not found" (404) instead of "access denied" (403).
    { Sid: "ListOwnProgress", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [r.bucketArn], Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
  );
}

export interface FeedbackResources extends FunctionBaseResources {
  readonly bucketArn: string;
}

/**
 * The feedback action reads the detector state (to find the incident a mark is about) and reads and writes only the
 * feedback prefix; nothing else of the bucket, no topic, no secrets.
 */
export function feedbackPolicy(r: FeedbackResources): PolicyDocument {
  const feedback = `${BUCKET_PREFIXES.state}feedback/`;
  const detector = `${BUCKET_PREFIXES.state}detector/`;
  return doc(
    ...functionBase(r),
    { Sid: "ReadDetectorState", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${r.bucketArn}/${detector}*`] },
    { Sid: "OwnFeedback", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${r.bucketArn}/${feedback}*`] },
    // Listing lets a missing object read as "not found" (404) instead of "access denied" (403).
    { Sid: "ListReadablePrefixes", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [r.bucketArn], Condition: { StringLike: { "s3:prefix": [`${detector}*`, `${feedback}*`] } } },
  );
}
