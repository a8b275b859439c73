/**
 * What the AWS and Vault providers return for a resource the program registers, shaped as a real preview/up sees
 * it: the id each provider uses (a bucket's name, a queue's URL, a topic's ARN…), ARNs of the right service and
 * format, Pulumi's auto-names (`<logical name>-<7 hex>`) for the resources that have one, and the defaults AWS
 * fills in that the program never sets (a new bucket's SSE-S3 encryption and `versioning {enabled: false}`, an
 * unreserved function's `reservedConcurrentExecutions: -1`). Tests and stack policies therefore see outputs that
 * differ from inputs where they differ in a real stack.
 */
import { createHash } from "node:crypto";
import { RCF_IMAGE_REGISTRIES } from "../../infra/awsRegions";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "eu-west-1";
/** The auto-name suffix of a resource's first physical incarnation. */
export const FIRST_SUFFIX = "0a1b2c3";

/** The input a type's auto-name fills when the program leaves it unset (Pulumi's autonaming property). */
const AUTONAMED: Readonly<Record<string, string>> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:sns/topic:Topic": "name",
  "aws:sqs/queue:Queue": "name",
  "aws:iam/role:Role": "name",
  "aws:iam/rolePolicy:RolePolicy": "name",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
  "aws:cloudwatch/eventRule:EventRule": "name",
  "aws:cloudwatch/eventTarget:EventTarget": "targetId",
  "aws:lambda/function:Function": "name",
  "aws:lambda/permission:Permission": "statementId",
  "aws:sagemaker/model:Model": "name",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "name",
  "aws:sagemaker/endpoint:Endpoint": "name",
  "aws:kms/alias:Alias": "name",
};

/** The auto-name of the n-th physical incarnation of a resource (a replacement gets a new one, as in Pulumi). */
export function autoName(logicalName: string, generation: number): string {
  const suffix = generation === 0 ? FIRST_SUFFIX : createHash("sha256").update(`${logicalName}#${generation}`).digest("hex").slice(0, 7);
  return `${logicalName}-${suffix}`;
}

/** The physical name a resource gets: its explicit name input, or the auto-name; undefined for types without one. */
export function physicalName(type: string, logicalName: string, inputs: Record<string, unknown>, generation = 0): string | undefined {
  const property = AUTONAMED[type];
  if (property === undefined) return typeof inputs.name === "string" ? inputs.name : undefined;
  const given = inputs[property];
  return typeof given === "string" && given !== "" ? given : autoName(logicalName, generation);
}

/** The registry path `getPrebuiltEcrImage` returns for the built-in RCF image, or undefined where there is none. */
export function rcfImagePath(region: string): string | undefined {
  const account = RCF_IMAGE_REGISTRIES[region];
  return account === undefined ? undefined : `${account}.dkr.ecr.${region}.amazonaws.com/randomcutforest:1`;
}

const str = (value: unknown): string => (typeof value === "string" ? value : String(value));

/** The provider's id and output state for one resource. `generation` counts replacements (0 = first creation). */
export function providerState(
  type: string,
  logicalName: string,
  inputs: Record<string, unknown>,
  options: { readonly region?: string; readonly generation?: number } = {},
): { id: string; state: Record<string, unknown> } {
  const region = options.region ?? MOCK_REGION;
  const name = physicalName(type, logicalName, inputs, options.generation ?? 0);
  const arn = (service: string, resource: string): string => `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
  const named = AUTONAMED[type] === undefined || name === undefined ? {} : { [AUTONAMED[type]]: name };
  const out = (id: string, extra: Record<string, unknown> = {}) => ({ id, state: { ...inputs, ...named, ...extra } });
  const lower = (n: string | undefined) => str(n).toLowerCase();

  switch (type) {
    case "aws:kms/key:Key": {
      const keyId = createHash("sha256").update(`${logicalName}#${options.generation ?? 0}`).digest("hex").slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
      return out(keyId, { keyId, arn: arn("kms", `key/${keyId}`), deletionWindowInDays: inputs.deletionWindowInDays ?? 30, keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" });
    }
    case "aws:kms/alias:Alias":
      return out(str(name), { arn: arn("kms", str(name)), targetKeyArn: arn("kms", `key/${str(inputs.targetKeyId)}`) });
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      // A new bucket as S3 reports it: SSE-S3 by default (since 2023) and versioning never enabled.
      return out(str(name), {
        arn: `arn:aws:s3:::${str(name)}`,
        bucketDomainName: `${str(name)}.s3.amazonaws.com`,
        bucketRegion: region,
        region,
        forceDestroy: inputs.forceDestroy ?? false,
        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false } },
        versioning: { enabled: false, mfaDelete: false },
      });
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
    case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
    case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    case "aws:s3/bucketVersioning:BucketVersioning":
    case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
    case "aws:s3/bucketPolicy:BucketPolicy":
    case "aws:s3/bucketLogging:BucketLogging":
      return out(str(inputs.bucket));
    case "aws:sns/topic:Topic":
      return out(arn("sns", str(name)), { arn: arn("sns", str(name)) });
    case "aws:sns/topicPolicy:TopicPolicy":
      return out(str(inputs.arn), { owner: MOCK_ACCOUNT });
    case "aws:sns/topicSubscription:TopicSubscription": {
      const subscription = `${str(inputs.topic)}:${createHash("sha256").update(logicalName).digest("hex").slice(0, 8)}-0000-4000-8000-000000000000`;
      return out(subscription, { arn: subscription, ownerId: MOCK_ACCOUNT, pendingConfirmation: inputs.protocol === "email" });
    }
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${str(name)}`;
      return out(url, { url, arn: arn("sqs", str(name)) });
    }
    case "aws:sqs/queuePolicy:QueuePolicy":
      return out(str(inputs.queueUrl));
    case "aws:iam/role:Role":
      return out(str(name), { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${str(name)}`, uniqueId: `AROA${createHash("sha256").update(str(name)).digest("hex").slice(0, 17).toUpperCase()}` });
    case "aws:iam/rolePolicy:RolePolicy":
      return out(`${str(inputs.role)}:${str(name)}`);
    case "aws:cloudwatch/logGroup:LogGroup":
      return out(str(inputs.name), { arn: arn("logs", `log-group:${str(inputs.name)}`) });
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return out(str(name), { arn: arn("cloudwatch", `alarm:${str(name)}`), actionsEnabled: inputs.actionsEnabled ?? true });
    case "aws:cloudwatch/eventRule:EventRule":
      return out(str(name), { arn: arn("events", `rule/${str(name)}`), eventBusName: "default" });
    case "aws:cloudwatch/eventTarget:EventTarget":
      return out(`${str(inputs.rule)}-${str(name)}`);
    case "aws:lambda/function:Function": {
      const functionArn = arn("lambda", `function:${str(name)}`);
      return out(str(name), {
        arn: functionArn,
        qualifiedArn: `${functionArn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
        version: "$LATEST",
        // The provider reports -1 for a function without reserved concurrency.
        reservedConcurrentExecutions: inputs.reservedConcurrentExecutions ?? -1,
      });
    }
    case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
      return out(str(inputs.functionName));
    case "aws:lambda/functionUrl:FunctionUrl": {
      // The provider returns the URL Lambda generates: a 32-character id under the region's lambda-url domain.
      const urlId = createHash("sha256").update(str(inputs.functionName)).digest("hex").slice(0, 32);
      return out(str(inputs.functionName), { functionUrl: `https://${urlId}.lambda-url.${region}.on.aws/`, urlId, functionArn: arn("lambda", `function:${str(inputs.functionName)}`) });
    }
    case "aws:lambda/permission:Permission":
      return out(str(name));
    case "aws:sagemaker/trainingJob:TrainingJob":
      return out(str(inputs.trainingJobName), { arn: arn("sagemaker", `training-job/${lower(str(inputs.trainingJobName))}`) });
    case "aws:sagemaker/model:Model":
      return out(str(name), { arn: arn("sagemaker", `model/${lower(name)}`) });
    case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
      return out(str(name), { arn: arn("sagemaker", `endpoint-config/${lower(name)}`) });
    case "aws:sagemaker/endpoint:Endpoint":
      return out(str(name), { arn: arn("sagemaker", `endpoint/${lower(name)}`) });
    case "vault:kv/secretV2:SecretV2": {
      const path = `${str(inputs.mount)}/data/${str(inputs.name)}`;
      return out(path, { path, metadata: { version: "1" } });
    }
    case "vault:index/policy:Policy":
      return out(str(inputs.name));
    case "vault:aws/authBackendRole:AuthBackendRole":
      return out(`auth/${str(inputs.backend)}/role/${str(inputs.role)}`, { roleId: createHash("sha256").update(str(inputs.role)).digest("hex").slice(0, 36) });
    default:
      // Providers and components: an id, no computed outputs.
      return out(`${logicalName}-id`);
  }
}
