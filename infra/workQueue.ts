/**
 * A fan-out work queue: the FIFO queue a planner fills and a worker consumes (one message group per service), its
 * own FIFO dead-letter queue, both encrypted with the stack's key, and an alarm to the alerts topic when a message
 * lands in the dead-letter queue (a service whose work failed `maxReceiveCount` times).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterAlarm } from "./deadLetterAlarm";

export interface WorkQueueArgs {
  /** Physical queue name without `.fifo` (the dead-letter queue adds `-dlq`). At most 70 characters. */
  readonly queueName: string;
  /** The customer-managed key that encrypts both queues. */
  readonly keyArn: pulumi.Input<string>;
  /** The consuming worker's timeout, seconds: the visibility timeout is derived from it. */
  readonly workerTimeoutSeconds: number;
  /** Receives before a failing message moves to the dead-letter queue (1–100). */
  readonly maxReceiveCount: number;
  /** Topic the dead-letter alarm notifies. */
  readonly alarmTopicArn: pulumi.Input<string>;
}

/**
 * The visibility timeout for a worker with this timeout: six times it, as AWS recommends for an SQS event source
 * (so a message is not handed to a second worker while Lambda may still retry a throttled batch), capped at
 * SQS's 12 hours.
 */
export function visibilityTimeoutSeconds(workerTimeoutSeconds: number): number {
  return Math.min(43_200, 6 * workerTimeoutSeconds);
}

export class WorkQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** Fires when the dead-letter queue holds any message. */
  readonly deadLetterAlarm: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: WorkQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:fanout:WorkQueue", name, {}, opts);
    if (!/^[A-Za-z0-9_-]{1,70}$/.test(args.queueName)) throw new Error(`WorkQueue "${name}": queueName must be 1-70 letters, digits, '-' or '_', got "${args.queueName}"`);
    if (!Number.isInteger(args.workerTimeoutSeconds) || args.workerTimeoutSeconds < 1 || args.workerTimeoutSeconds > 900) {
      throw new Error(`WorkQueue "${name}": workerTimeoutSeconds must be 1-900, got ${args.workerTimeoutSeconds}`);
    }
    if (!Number.isInteger(args.maxReceiveCount) || args.maxReceiveCount < 1 || args.maxReceiveCount > 100) throw new Error(`WorkQueue "${name}": maxReceiveCount must be 1-100, got ${args.maxReceiveCount}`);
    const encryption = { kmsMasterKeyId: args.keyArn, kmsDataKeyReusePeriodSeconds: 300 };

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: `${args.queueName}-dlq.fifo`, fifoQueue: true, ...encryption, messageRetentionSeconds: 14 * 24 * 3600 },
      { parent: this },
    );
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: `${args.queueName}.fifo`,
        fifoQueue: true,
        // High-throughput FIFO: ordering and deduplication per message group (per service).
        deduplicationScope: "messageGroup",
        fifoThroughputLimit: "perMessageGroupId",
        ...encryption,
        visibilityTimeoutSeconds: visibilityTimeoutSeconds(args.workerTimeoutSeconds),
        // A day of backlog: older plans are superseded by newer ones (each covers the steps since the last run).
        messageRetentionSeconds: 24 * 3600,
        redrivePolicy: this.deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: args.maxReceiveCount })),
      },
      { parent: this },
    );
    this.deadLetterAlarm = deadLetterAlarm(name, { queueName: this.deadLetterQueue.name, description: `Work for a service failed ${args.maxReceiveCount} times and is parked in ${args.queueName}-dlq.fifo: inspect the worker's logs, fix, and redrive.`, topicArn: args.alarmTopicArn }, this);
    this.registerOutputs({ queueUrl: this.queue.url, queueArn: this.queue.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
