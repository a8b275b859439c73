import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * An alarm on a dead-letter queue holding anything at all (its visible messages above 0 over 5 minutes), sent to
 * `topicArn`: what lands there failed for good and waits for someone to inspect and redrive it. Named
 * `<name>-dlq-depth` under `parent`.
 */
export function deadLetterAlarm(
  name: string,
  args: { readonly queueName: pulumi.Input<string>; readonly description: string; readonly topicArn: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${name}-dlq-depth`,
    {
      alarmDescription: args.description,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.queueName },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [args.topicArn],
    },
    { parent },
  );
}
