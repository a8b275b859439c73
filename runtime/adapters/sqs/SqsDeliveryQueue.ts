import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeliveryQueue } from "../../notify/deliveryQueue";

/** A notifier's SQS queue and its dead-letter queue. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    /** The queue the notifier consumes (for visibility changes). */
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {
    if (!/^https:\/\/sqs\./.test(queueUrl) && !/^https?:\/\/(127\.0\.0\.1|localhost)/.test(queueUrl)) throw new Error(`SqsDeliveryQueue: queueUrl is not an SQS queue URL: ${queueUrl}`);
    if (!/^https:\/\/sqs\./.test(deadLetterQueueUrl) && !/^https?:\/\/(127\.0\.0\.1|localhost)/.test(deadLetterQueueUrl)) throw new Error(`SqsDeliveryQueue: deadLetterQueueUrl is not an SQS queue URL: ${deadLetterQueueUrl}`);
  }

  async park(body: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(attributes);
    if (entries.length > 10) throw new Error(`SqsDeliveryQueue: ${entries.length} attributes, SQS takes at most 10`);
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterQueueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(entries.map(([k, v]) => [k, { DataType: "String", StringValue: v.slice(0, 1_000) || "-" }])),
      }),
    );
  }

  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.ceil(seconds))) }));
  }
}
