/**
 * The HTTPS feedback action: a Lambda function URL with AWS_IAM auth (callers sign with SigV4 and need
 * lambda:InvokeFunctionUrl on it) whose POST body marks an incident next to the detector state
 * (runtime/lambda/feedbackLambda.ts). Its role reads the detector state and reads and writes only the feedback prefix.
 */
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_ENV } from "../runtime/lambda/lambdaEnv";
import { BUCKET_PREFIXES, feedbackPolicy, type AwsScope } from "./iamDocuments";
import { METRICS_NAMESPACE } from "./modelHealthAlarms";
import { ScheduledFunction, lambdaLogGroupName } from "./scheduledFunction";

export interface FeedbackActionArgs {
  /** `cad-<environment>`: the function is `<prefix>-feedback`. */
  readonly namePrefix: string;
  readonly environment: string;
  readonly scope: pulumi.Input<AwsScope>;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly topicArn: pulumi.Input<string>;
  readonly deadLetterQueueArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Reserve a small concurrency for the action (the stack's reserveConcurrency): feedback is rare, by people. */
  readonly reserveConcurrency: boolean;
}

export class FeedbackAction extends pulumi.ComponentResource {
  readonly fn: ScheduledFunction;
  /** The HTTPS endpoint on call (or a chat bot acting for them) POSTs to. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: FeedbackActionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:feedback:FeedbackAction", name, {}, opts);
    const functionName = `${args.namePrefix}-feedback`;
    this.fn = new ScheduledFunction(
      `${name}-function`,
      {
        functionName,
        description: "Stores or removes on-call feedback on an incident (POST {incidentId, verdict, note?} or {incidentId, remove: true})",
        entry: "feedback",
        policy: pulumi
          .all([args.scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn]) => feedbackPolicy({ bucketArn, keyArn, deadLetterQueueArn, logGroupArn: `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${lambdaLogGroupName(functionName)}` })),
        url: { authorizationType: "AWS_IAM" },
        ...(args.reserveConcurrency ? { reservedConcurrency: 2 } : {}),
        environment: {
          [LAMBDA_ENV.environment]: args.environment,
          [LAMBDA_ENV.bucket]: args.bucketName,
          [LAMBDA_ENV.statePrefix]: BUCKET_PREFIXES.state,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_LOG_LEVEL: "INFO",
        },
        // No Vault: the action reads no secret.
        layers: [],
        memorySizeMb: 256,
        timeoutSeconds: 30,
        retryAttempts: 0,
        maximumEventAgeSeconds: 60,
        deadLetterQueueArn: args.deadLetterQueueArn,
        alarmTopicArn: args.topicArn,
        keyArn: args.keyArn,
        logRetentionDays: args.logRetentionDays,
      },
      { parent: this },
    );
    this.url = (this.fn.url as NonNullable<ScheduledFunction["url"]>).functionUrl;
    this.registerOutputs({ functionName: this.fn.function.name, url: this.url });
  }
}
