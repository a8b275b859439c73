/**
 * The Pulumi program: read and validate the stack config once, compose the components, export what an
 * operator needs. `pulumi up` on a stack builds the whole system for that environment.
 */
import { Alerting } from "./alerting";
import { resolveAwsScope } from "./awsScope";
import { PROJECT, loadStackConfig, loadStackSecrets } from "./config";
import { modelBundlePresent } from "./detectorReadiness";
import { FeedbackAction } from "./feedbackAction";
import { Functions } from "./functions";
import { ModelHealthAlarms } from "./modelHealthAlarms";
import { onCallNotifiers } from "./notifiers";
import { RcfModel } from "./rcfModel";
import { stackOutputs } from "./stackOutputs";
import { Storage } from "./storage";
import { VaultSecrets } from "./vaultSecrets";

const cfg = loadStackConfig();
const secrets = loadStackSecrets(cfg);
const scope = resolveAwsScope(cfg.region);
const name = `cad-${cfg.environment}`;

const storage = new Storage(name, { scope, rawRetentionDays: cfg.rawRetentionDays, forceDestroy: cfg.forceDestroyBucket });
const alerting = new Alerting(`${name}-alerts`, { keyArn: storage.key.arn, accountId: scope.accountId, subscriptions: cfg.alertSubscriptions });
const trainingDataVersion = cfg.scorer === "sagemaker" ? cfg.trainingDataVersion : undefined;
const model =
  trainingDataVersion === undefined
    ? undefined
    : new RcfModel(`${name}-rcf`, {
        scope,
        environment: cfg.environment,
        bucketName: storage.bucket.bucket,
        bucketArn: storage.bucket.arn,
        keyArn: storage.key.arn,
        model: cfg.model,
        trainingDataVersion,
        endpoint: cfg.endpoint,
      });
// With `feedbackUrl`: on call marks incidents from the alert over an IAM-authenticated HTTPS action (docs/feedback.md);
// the detector names its URL in every alert.
const feedback = cfg.feedbackUrl
  ? new FeedbackAction(`${name}-feedback`, {
      namePrefix: name,
      environment: cfg.environment,
      scope,
      bucketName: storage.bucket.bucket,
      bucketArn: storage.bucket.arn,
      keyArn: storage.key.arn,
      topicArn: alerting.topic.arn,
      deadLetterQueueArn: alerting.deadLetterQueue.arn,
      logRetentionDays: cfg.logRetentionDays,
      reserveConcurrency: cfg.reserveConcurrency,
    })
  : undefined;
const functions = new Functions(name, {
  scope,
  settings: cfg,
  schedules: cfg.schedules,
  ...(model ? { endpoint: { name: model.endpoint.name, arn: model.endpoint.arn, trainingDataVersion: model.servedTrainingDataVersion } } : {}),
  bucketName: storage.bucket.bucket,
  bucketArn: storage.bucket.arn,
  keyArn: storage.key.arn,
  topicArn: alerting.topic.arn,
  deadLetterQueueArn: alerting.deadLetterQueue.arn,
  deadLetterQueueUrl: alerting.deadLetterQueue.url,
  ...(feedback ? { feedbackUrl: feedback.url } : {}),
  logRetentionDays: cfg.logRetentionDays,
  reserveConcurrency: cfg.reserveConcurrency,
  detectorReady: model ? model.calibrated : modelBundlePresent(storage.bucket.bucket, cfg.modelBundleKey),
  ...(cfg.fanOut ? { fanOut: cfg.fanOut } : {}),
});
new ModelHealthAlarms(`${name}-model-health`, {
  environment: cfg.environment,
  services: cfg.services,
  maxAnomalyRate: cfg.modelHealth.maxAnomalyRate,
  hours: cfg.modelHealth.hours,
  alarmTopicArn: alerting.topic.arn,
});
onCallNotifiers(name, {
  config: cfg.notifiers,
  environment: cfg.environment,
  scope,
  vault: cfg.vault,
  topicArn: alerting.topic.arn,
  keyArn: storage.key.arn,
  bucketName: storage.bucket.bucket,
  bucketArn: storage.bucket.arn,
  logRetentionDays: cfg.logRetentionDays,
  reserveConcurrency: cfg.reserveConcurrency,
});
const vaultSecrets = new VaultSecrets(`${name}-vault`, {
  vault: cfg.vault,
  secrets,
  boundRoleArns: functions.roleArns,
  policyName: `${PROJECT}-${cfg.environment}-read`,
});

// The stack outputs: exactly the ones that apply to this stack's scorer (docs/deploy.md shows them).
export = stackOutputs({
  scorer: cfg.scorer,
  storage,
  alerting,
  functions,
  ...(feedback ? { feedback } : {}),
  secrets: vaultSecrets,
  modelBundleKey: cfg.modelBundleKey,
  ...(model && trainingDataVersion ? { model: { rcf: model, trainingDataVersion } } : {}),
});
