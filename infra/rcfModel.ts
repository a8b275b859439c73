/**
 * Model: SageMaker's built-in Random Cut Forest trained on one versioned data set and served on an endpoint
 * with a stable name (the detector's `CAD_ENDPOINT_NAME`). A new data version or new hyperparameters give a new
 * training job (its name is derived from both), a new model and endpoint configuration; the endpoint itself is
 * updated in place, so its name and invocation URL never change.
 *
 * Only built when the scorer is `sagemaker`; with the `embedded` scorer the program does not create this component.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toSageMakerHyperParameters } from "../training/hyperparameters";
import type { EndpointConfig, ModelConfig } from "./config";
import { BUCKET_PREFIXES, sageMakerAssumeRolePolicy, sageMakerExecutionPolicy, type AwsScope } from "./iamDocuments";

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

/**
 * Training job name: `cad-<env>-<data version>-<hash>`, the hash covering the data version, hyperparameters and
 * training resources, so that any change trains a new job (SageMaker job names are unique and immutable).
 * At most 63 characters of `[a-zA-Z0-9-]`.
 */
export function trainingJobName(environment: string, dataVersion: string, model: ModelConfig): string {
  const hash = createHash("sha256")
    .update(JSON.stringify({ dataVersion, hyperParameters: rcfHyperParameters(model), type: model.trainingInstanceType, count: model.trainingInstanceCount }))
    .digest("hex")
    .slice(0, 10);
  const version = dataVersion.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 63 - `cad-${environment}--${hash}`.length);
  return `cad-${environment}-${version}-${hash}`.replace(/--+/g, "-");
}

/** The runtime URL of an endpoint (SigV4-signed POST, `application/json`). */
export function endpointInvocationUrl(region: string, endpointName: string): string {
  return `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${endpointName}/invocations`;
}

export class RcfModel extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly trainingJob: aws.sagemaker.TrainingJob;
  readonly model: aws.sagemaker.Model;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly endpoint: aws.sagemaker.Endpoint;
  /** Stable name of the endpoint. */
  readonly endpointName: string;
  readonly invocationUrl: pulumi.Output<string>;

  constructor(name: string, args: RcfModelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:model:RcfModel", name, {}, opts);
    const scope = pulumi.output(args.scope);
    const jobName = trainingJobName(args.environment, args.trainingDataVersion, args.model);
    this.endpointName = `cad-${args.environment}-rcf`;

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
    const trainUri = pulumi.interpolate`s3://${args.bucketName}/${BUCKET_PREFIXES.training}${args.trainingDataVersion}/train/`;
    const outputPath = pulumi.interpolate`s3://${args.bucketName}/${BUCKET_PREFIXES.models}`;

    this.trainingJob = new aws.sagemaker.TrainingJob(
      `${name}-training`,
      {
        trainingJobName: jobName,
        roleArn: this.role.arn,
        algorithmSpecification: { trainingImage: image.registryPath, trainingInputMode: "File" },
        hyperParameters: rcfHyperParameters(args.model),
        inputDataConfigs: [
          {
            channelName: "train",
            contentType: "text/csv;label_size=0",
            dataSource: { s3DataSource: { s3DataType: "S3Prefix", s3Uri: trainUri, s3DataDistributionType: "ShardedByS3Key" } },
          },
        ],
        outputDataConfig: { s3OutputPath: outputPath, kmsKeyId: args.keyArn },
        resourceConfig: { instanceType: args.model.trainingInstanceType, instanceCount: args.model.trainingInstanceCount, volumeSizeInGb: 10, volumeKmsKeyId: args.keyArn },
        stoppingCondition: { maxRuntimeInSeconds: args.model.maxRuntimeSeconds },
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        // Creation waits for the job to complete: allow its run time plus provisioning.
        timeouts: { create: `${Math.ceil(args.model.maxRuntimeSeconds / 60) + 30}m` },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );

    this.model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        name: jobName,
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

    this.endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      { name: this.endpointName, endpointConfigName: this.endpointConfiguration.name },
      { parent: this },
    );
    this.invocationUrl = scope.apply((s) => endpointInvocationUrl(s.region, this.endpointName));

    this.registerOutputs({ endpointName: this.endpoint.name, invocationUrl: this.invocationUrl, trainingJobName: this.trainingJob.trainingJobName });
  }
}
