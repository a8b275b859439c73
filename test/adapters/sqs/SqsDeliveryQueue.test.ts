import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SqsDeliveryQueue } from "../../../runtime/adapters/sqs/SqsDeliveryQueue";

const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-notify-pagerduty";
const DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-notify-pagerduty-dlq";
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

describe("SqsDeliveryQueue", () => {
  it("parks the body unchanged in the dead-letter queue with string attributes, cut to 1,000 characters", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "d1" });
    await new SqsDeliveryQueue(new SQSClient({}), QUEUE, DLQ).park('{"a":1}', { error: "e".repeat(1500), status: "400" });
    const input = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(input).toMatchObject({ QueueUrl: DLQ, MessageBody: '{"a":1}', MessageAttributes: { status: { DataType: "String", StringValue: "400" } } });
    expect(input.MessageAttributes?.error.StringValue).toHaveLength(1000);
  });

  it("refuses more than SQS's 10 attributes, and rejects when SQS does", async () => {
    const queue = new SqsDeliveryQueue(new SQSClient({}), QUEUE, DLQ);
    await expect(queue.park("x", Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])))).rejects.toThrow(/11 attributes/);
    sqs.on(SendMessageCommand).rejects(new Error("AccessDenied"));
    await expect(queue.park("x", {})).rejects.toThrow(/AccessDenied/);
  });

  it("postpones a message on the consumed queue, within SQS's 0-43,200 seconds", async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const queue = new SqsDeliveryQueue(new SQSClient({}), QUEUE, DLQ);
    await queue.postpone("r1", 30.2);
    await queue.postpone("r2", 99_999);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: "r1", VisibilityTimeout: 31 },
      { QueueUrl: QUEUE, ReceiptHandle: "r2", VisibilityTimeout: 43_200 },
    ]);
  });
});
