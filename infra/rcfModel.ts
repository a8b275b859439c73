/**
 * Model: SageMaker's built-in Random Cut Forest trained on one versioned data set and served on an endpoint
 * (the detector's `CAD_ENDPOINT_NAME`). Every `pulumi up` after a change must work, so names follow what the
 * provider replaces:
 *
 * - The training job's name is derived from every input that forces its replacement (data set, hyperparameters,
 *   image, role, key, instance type/count, volume, run time, network settings) plus `model.trainingAttempt`:
 *   any change trains a new job under a new name, and a failed job — whose name SageMaker keeps, while the provider
 *   saves no state for it — is retried by raising the attempt.
 * - The model and the endpoint configuration are auto-named, so their replacement (create before delete) never
 *   meets the old name.
 * - The endpoint keeps its name while its mode stays the same (a retrain updates it in place); the mode is part of
 *   the name, because SageMaker cannot update an endpoint between instance and serverless configurations, so a
 *   switch creates the other endpoint and then deletes the old one.
 *
 * Before a job is submitted, the training set must exist: `training/<version>/manifest.json` (written last by
 * `cad dataset build`) and `training/<version>/train/`. A missing set fails the update before the job, instead of a
 * training job that fails after minutes and blocks its name.
 *
 * Only built when the scorer is `sagemaker`; with the `embedded` scorer the program does not create this component.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toSageMakerHyperParameters } from "../training/hyperparameters";
import type { EndpointConfig, ModelConfig } from "./config";
import { ConfigError } from "./configErrors";
import { thresholdCalibrated } from "./detectorReadiness";
import { BUCKET_PREFIXES, sageMakerExecutionPolicy, type AwsScope } from "./iamDocuments";
import { sageMakerAssumeRolePolicy } from "./resourcePolicies";

export interface RcfModelArgs {
  readonly scope: pulumi.Input<AwsScope>;
  /** Environment name: part of the job and endpoint names. */
  readonly environment: string;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Customer-managed key for the training volume, the artifacts and the endpoint's storage. */
  readonly keyArn: pulumi.Input<string>;
  readonly model: ModelConfig;
  /** Version label of the training data set under `training/<version>/train/`. */
  readonly trainingDataVersion: string;
  readonly endpoint: EndpointConfig;
}

/** SageMaker hyperparameters of the built-in RCF (all values are strings in the API). */
export function rcfHyperParameters(model: ModelConfig): Record<string, string> {
  // One place knows SageMaker's names, ranges and string form: training/hyperparameters.ts.
  return toSageMakerHyperParameters({ feature_dim: model.featureDim, num_trees: model.numTrees, num_samples_per_tree: model.numSamplesPerTree });
}

/** Stable JSON: object keys sorted, so the same inputs always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Training job name: `cad-<env>-<data version>-<hash>`, the hash covering every (resolved) input of the job and the
 * training attempt. At most 63 characters of `[a-zA-Z0-9-]`, as SageMaker requires.
 */
export function trainingJobName(environment: string, dataVersion: string, jobInputs: Readonly<Record<string, unknown>>, attempt: number): string {
  const hash = createHash("sha256").update(canonical({ jobInputs, attempt })).digest("hex").slice(0, 10);
  const version = dataVersion.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 63 - `cad-${environment}--${hash}`.length);
  return `cad-${environment}-${version}-${hash}`.replace(/--+/g, "-");
}

/** The endpoint's name: stable while the mode stays the same (see the module comment). */
export function rcfEndpointName(environment: string, mode: EndpointConfig["mode"]): string {
  return mode === "instance" ? `cad-${environment}-rcf` : `cad-${environment}-rcf-serverless`;
}

/** The runtime URL of an endpoint (SigV4-signed POST, `application/json`). */
export function endpointInvocationUrl(region: string, endpointName: string): string {
  return `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${endpointName}/invocations`;
}

/**
 * Checks a listing of `training/<version>/` (delimiter "/") for a complete training set; returns what identifies it.
 * @throws ConfigError naming the bucket, the missing objects and the command that writes them.
 */
export function requireTrainingSet(listing: { readonly keys: readonly string[]; readonly commonPrefixes: readonly string[] }, bucket: string, version: string): string {
  const prefix = `${BUCKET_PREFIXES.training}${version}/`;
  const missing = [
    ...(listing.keys.includes(`${prefix}manifest.json`) ? [] : [`${prefix}manifest.json`]),
    ...(listing.commonPrefixes.includes(`${prefix}train/`) ? [] : [`${prefix}train/`]),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      "container-anomaly-detection:trainingDataVersion",
      `a training set in s3://${bucket}/ (${missing.join(" and ")} missing): build one with \`cad dataset build --bucket ${bucket} --from … --to …\`, which prints its version, or unset trainingDataVersion to keep the embedded scorer`,
      version,
    );
  }
  return canonical(listing);
}

export class RcfModel extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly trainingJob: aws.sagemaker.TrainingJob;
  readonly model: aws.sagemaker.Model;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly invocationUrl: pulumi.Output<string>;
  /** True once `cad dataset calibrate` has written the endpoint's threshold (training/<version>/threshold.json). */
  readonly calibrated: pulumi.Output<boolean>;
  /** The training set version the endpoint serves, resolved after the endpoint is updated. */
  readonly servedTrainingDataVersion: pulumi.Output<string>;

  constructor(name: string, args: RcfModelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:model:RcfModel", name, {}, opts);
    const scope = pulumi.output(args.scope);
    const endpointName = rcfEndpointName(args.environment, args.endpoint.mode);

    this.role = new aws.iam.Role(
      `${name}-role`,
      { description: "SageMaker execution role of the RCF training job and endpoint", assumeRolePolicy: scope.apply((s) => JSON.stringify(sageMakerAssumeRolePolicy(s.accountId))) },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: this.role.id,
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn])
          .apply(([s, bucketArn, keyArn]) => JSON.stringify(sageMakerExecutionPolicy({ scope: s, bucketArn, keyArn, trainingDataVersion: args.trainingDataVersion }))),
      },
      { parent: this },
    );

    const image = aws.sagemaker.getPrebuiltEcrImageOutput({ repositoryName: "randomcutforest", imageTag: "1" }, { parent: this });
    const setPrefix = `${BUCKET_PREFIXES.training}${args.trainingDataVersion}/`;
    const listing = aws.s3.getObjectsOutput({ bucket: args.bucketName, prefix: setPrefix, delimiter: "/" }, { parent: this });
    const trainingSet = pulumi.all([listing, args.bucketName]).apply(([l, bucket]) => requireTrainingSet(l, bucket, args.trainingDataVersion));
    const outputPath = pulumi.interpolate`s3://${args.bucketName}/${BUCKET_PREFIXES.models}`;
    const calibrated = thresholdCalibrated(listing.keys, args.bucketName, args.trainingDataVersion);

    const jobInputs = {
      roleArn: this.role.arn,
      algorithmSpecification: { trainingImage: image.registryPath, trainingInputMode: "File" },
      hyperParameters: rcfHyperParameters(args.model),
      inputDataConfigs: [
        {
          channelName: "train",
          contentType: "text/csv;label_size=0",
          dataSource: { s3DataSource: { s3DataType: "S3Prefix", s3Uri: pulumi.interpolate`s3://${args.bucketName}/${setPrefix}train/`, s3DataDistributionType: "ShardedByS3Key" } },
        },
      ],
      outputDataConfig: { s3OutputPath: outputPath, kmsKeyId: args.keyArn },
      resourceConfig: {
        instanceType: args.model.trainingInstanceType,
        instanceCount: args.model.trainingInstanceCount,
        volumeSizeInGb: args.model.trainingVolumeGb,
        volumeKmsKeyId: args.keyArn,
      },
      stoppingCondition: { maxRuntimeInSeconds: args.model.maxRuntimeSeconds },
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
    };
    const jobName = pulumi
      .all([pulumi.output(jobInputs), trainingSet])
      .apply(([resolved, set]) => trainingJobName(args.environment, args.trainingDataVersion, { ...resolved, trainingSet: set }, args.model.trainingAttempt));

    this.trainingJob = new aws.sagemaker.TrainingJob(
      `${name}-training`,
      {
        ...jobInputs,
        trainingJobName: jobName,
        // Creation waits for the job to complete: allow its run time plus provisioning.
        timeouts: { create: `${Math.ceil(args.model.maxRuntimeSeconds / 60) + 30}m` },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );

    this.model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: this.role.arn,
        // SageMaker Serverless Inference does not support network isolation (it is in the documented feature
        // exclusions): isolate the inference container on instance endpoints only.
        enableNetworkIsolation: args.endpoint.mode === "instance",
        primaryContainer: { image: image.registryPath, modelDataUrl: pulumi.interpolate`${outputPath}${this.trainingJob.trainingJobName}/output/model.tar.gz` },
      },
      { parent: this, dependsOn: [this.trainingJob] },
    );

    const variant =
      args.endpoint.mode === "instance"
        ? { variantName: "rcf", modelName: this.model.name, instanceType: args.endpoint.instanceType, initialInstanceCount: args.endpoint.instanceCount }
        : { variantName: "rcf", modelName: this.model.name, serverlessConfig: { memorySizeInMb: args.endpoint.memorySizeMb, maxConcurrency: args.endpoint.maxConcurrency } };
    this.endpointConfiguration = new aws.sagemaker.EndpointConfiguration(
      `${name}-endpoint-config`,
      // The key encrypts the instances' storage volume, or the serverless endpoint's copy of the image.
      { productionVariants: [variant], kmsKeyArn: args.keyArn },
      { parent: this },
    );

    this.endpoint = new aws.sagemaker.Endpoint(`${name}-endpoint`, { name: endpointName, endpointConfigName: this.endpointConfiguration.name }, { parent: this });
    this.invocationUrl = pulumi.all([scope, this.endpoint.name]).apply(([s, n]) => endpointInvocationUrl(s.region, n));
    // Known only once the endpoint serves the model: a failed training leaves what depends on these untouched.
    this.servedTrainingDataVersion = this.endpoint.endpointConfigName.apply(() => args.trainingDataVersion);
    this.calibrated = pulumi.all([calibrated, this.endpoint.endpointConfigName]).apply(([c]) => c);

    this.registerOutputs({ endpointName: this.endpoint.name, invocationUrl: this.invocationUrl, trainingJobName: this.trainingJob.trainingJobName });
  }
}
