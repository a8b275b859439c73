import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SqsWorkQueue } from "../../../runtime/adapters/sqs/SqsWorkQueue";
import { workDeduplicationId } from "../../../runtime/handlers/workMessage";
import type { WorkMessage } from "../../../runtime/ports";

const URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-detect.fifo";
const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());
const messages = (n: number): WorkMessage[] => Array.from({ length: n }, (_, i) => ({ kind: "detect", service: `svc-${i}`, through: 1_767_600_000_000 }));

describe("SqsWorkQueue", () => {
  it("sends 10 entries per SendMessageBatch, grouped by service and deduplicated per planned time", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsWorkQueue(new SQSClient({}), URL).send(messages(23));
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0].QueueUrl).toBe(URL);
    expect(calls[2].Entries?.[0]).toEqual({
      Id: "0",
      MessageBody: '{"kind":"detect","service":"svc-20","through":1767600000000}',
      MessageGroupId: "svc-20",
      MessageDeduplicationId: workDeduplicationId(messages(23)[20]),
    });
  });

  it("rejects naming the services SQS refused, after sending the other batches", async () => {
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [{ Id: "3", Code: "InternalError", SenderFault: false, Message: "try again" }] }).rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" })).resolves({});
    await expect(new SqsWorkQueue(new SQSClient({}), URL).send(messages(25))).rejects.toThrow(
      `SQS ${URL}: 11 of 25 message(s) not enqueued: svc-3 (InternalError: try again); svc-10 (ThrottlingException: Rate exceeded); svc-11 (ThrottlingException: Rate exceeded); svc-12 (ThrottlingException: Rate exceeded); svc-13 (ThrottlingException: Rate exceeded); …`,
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it("refuses a standard queue's URL: the workers rely on FIFO groups", () => {
    expect(() => new SqsWorkQueue(new SQSClient({}), "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-detect")).toThrow("SqsWorkQueue: expected a FIFO queue's URL (https://….fifo)");
  });
});
