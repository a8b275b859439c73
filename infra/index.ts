/**
 * The Pulumi program: read and validate the stack config once, compose the components, export what an
 * operator needs. `pulumi up` on a stack builds the whole system for that environment.
 */
import { Alerting } from "./alerting";
import { resolveAwsScope } from "./awsScope";
import { PROJECT, loadStackConfig, loadStackSecrets } from "./config";
import { Functions } from "./functions";
import { ModelHealthAlarms } from "./modelHealthAlarms";
import { RcfModel } from "./rcfModel";
import { stackOutputs } from "./stackOutputs";
import { Storage } from "./storage";
import { VaultSecrets } from "./vaultSecrets";

const cfg = loadStackConfig();
const secrets = loadStackSecrets(cfg);
const scope = resolveAwsScope(cfg.region);
const name = `cad-${cfg.environment}`;

const storage = new Storage(name, { scope, rawRetentionDays: cfg.rawRetentionDays });
const alerting = new Alerting(`${name}-alerts`, {
  keyArn: storage.key.arn,
  accountId: scope.accountId,
  subscriptions: cfg.alertSubscriptions,
});
const model =
  cfg.scorer === "sagemaker"
    ? new RcfModel(`${name}-rcf`, {
        scope,
        environment: cfg.environment,
        bucketName: storage.bucket.bucket,
        bucketArn: storage.bucket.arn,
        keyArn: storage.key.arn,
        model: cfg.model,
        trainingDataVersion: cfg.trainingDataVersion,
        endpoint: cfg.endpoint,
      })
    : undefined;
const functions = new Functions(name, {
  scope,
  environment: cfg.environment,
  services: cfg.services,
  featureSet: cfg.featureSet,
  metricSources: cfg.metricSources,
  schedules: cfg.schedules,
  scorer: cfg.scorer,
  ...(model ? { endpoint: { name: model.endpoint.name, arn: model.endpoint.arn } } : {}),
  bucketName: storage.bucket.bucket,
  bucketArn: storage.bucket.arn,
  keyArn: storage.key.arn,
  topicArn: alerting.topic.arn,
  deadLetterQueueArn: alerting.deadLetterQueue.arn,
  deadLetterQueueUrl: alerting.deadLetterQueue.url,
  vault: cfg.vault,
  logRetentionDays: cfg.logRetentionDays,
  scaling: cfg.scaling,
  modelBundleKey: cfg.modelBundleKey,
  trainingDataVersion: cfg.trainingDataVersion,
});
new ModelHealthAlarms(`${name}-model-health`, {
  environment: cfg.environment,
  services: cfg.services,
  maxAnomalyRate: cfg.modelHealth.maxAnomalyRate,
  hours: cfg.modelHealth.hours,
  alarmTopicArn: alerting.topic.arn,
});
const vaultSecrets = new VaultSecrets(`${name}-vault`, {
  vault: cfg.vault,
  secrets,
  boundRoleArns: functions.roleArns,
  policyName: `${PROJECT}-${cfg.environment}-read`,
});

export const {
  endpointName,
  endpointInvocationUrl,
  trainingJobName,
  alertTopicArn,
  deadLetterQueueUrl,
  bucketName,
  kmsKeyArn,
  collectorFunctionName,
  collectorFunctionArn,
  detectorFunctionName,
  detectorFunctionArn,
  vaultSecretPath,
  vaultAuthRole,
} = stackOutputs({ storage, alerting, functions, secrets: vaultSecrets, ...(model ? { model } : {}) });
