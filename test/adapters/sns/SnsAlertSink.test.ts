import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { buildAlertMessage } from "../../../runtime/adapters/sns/alertMessage";
import { AlertDeliveryError, eventDeduplicationId, SnsAlertSink, type SnsAlertSinkOptions } from "../../../runtime/adapters/sns/SnsAlertSink";
import { openEvent } from "../../helpers/incidentEvents";
import { RecordingLog } from "../../helpers/recordingLog";

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:cad-alerts";
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-alerts-dlq";
const NOW = Date.UTC(2026, 10, 25, 0, 53);
let log: RecordingLog;

function sink(options: Partial<SnsAlertSinkOptions> = {}): SnsAlertSink {
  return new SnsAlertSink({
    sns: new SNSClient({ region: "eu-west-1" }),
    topicArn: TOPIC,
    deadLetter: { sqs: new SQSClient({ region: "eu-west-1" }), queueUrl: QUEUE },
    log,
    clock: { now: () => NOW },
    ...options,
  });
}
const throttled = (): Error => Object.assign(new Error("Rate exceeded"), { name: "ThrottledException", $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  sns.reset();
  sqs.reset();
  log = new RecordingLog();
});

describe("SnsAlertSink", () => {
  it("puts how to give feedback in every alert: the cad feedback command with the bucket and, when deployed, the function URL's POST", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const url = "https://abcdefghij0123456789klmnopqrstuv.lambda-url.eu-west-1.on.aws/";
    await sink({ feedbackOptions: "--bucket cad-state", feedbackUrl: url }).send(openEvent());
    const body = JSON.parse(String(sns.commandCalls(PublishCommand)[0].args[0].input.Message)) as { giveFeedback: string; giveFeedbackUrl: string };
    expect(body.giveFeedback).toMatch(/ --bucket cad-state$/);
    expect(body.giveFeedbackUrl).toMatch(new RegExp(`^awscurl --service lambda --region eu-west-1 -X POST -d '.*' ${url}$`));
  });

  it("publishes one message per event: subject, JSON body and String attributes for filtering", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const event = openEvent();
    await sink().send(event);
    const expected = buildAlertMessage(event);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Subject: expected.subject,
        Message: expected.body,
        MessageAttributes: {
          eventId: { DataType: "String", StringValue: event.id },
          eventType: { DataType: "String", StringValue: "open" },
          service: { DataType: "String", StringValue: "checkout" },
          severity: { DataType: "String", StringValue: "critical" },
          kind: { DataType: "String", StringValue: "saturation" },
        },
      },
    ]);
    expect(sqs.calls()).toHaveLength(0);
    expect(log.entries.find((e) => e.message === "alert published")?.fields).toMatchObject({ messageId: "m-1", eventType: "open" });
  });

  it("sets the group and a stable deduplication id on a FIFO topic", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const event = openEvent();
    await sink({ topicArn: `${TOPIC}.fifo` }).send(event);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input.MessageGroupId).toBe("checkout");
    expect(input.MessageDeduplicationId).toBe(eventDeduplicationId(openEvent()));
    expect(input.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("when publishing fails: parks the exact message in the dead-letter queue and still rejects (nothing lost, run fails)", async () => {
    sns.on(PublishCommand).rejects(throttled());
    sqs.on(SendMessageCommand).resolves({ MessageId: "d-1" });
    const event = openEvent();
    const error = await sink().send(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect((error as AlertDeliveryError).parkedIn).toBe(QUEUE);
    expect((error as Error).message).toBe(
      `SNS publish of incident ${event.incident.id} (open) to ${TOPIC} failed: ThrottledException: Rate exceeded; the alert was parked in the dead-letter queue ${QUEUE}`,
    );
    const expected = buildAlertMessage(event);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: expected.body,
        MessageAttributes: {
          eventId: { DataType: "String", StringValue: event.id },
          eventType: { DataType: "String", StringValue: "open" },
          service: { DataType: "String", StringValue: "checkout" },
          severity: { DataType: "String", StringValue: "critical" },
          kind: { DataType: "String", StringValue: "saturation" },
          topicArn: { DataType: "String", StringValue: TOPIC },
          subject: { DataType: "String", StringValue: expected.subject },
          publishError: { DataType: "String", StringValue: "ThrottledException: Rate exceeded" },
          failedAt: { DataType: "String", StringValue: "2026-11-25T00:53:00.000Z" },
        },
      },
    ]);
    expect(Object.keys(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageAttributes ?? {}).length).toBeLessThanOrEqual(10);
  });

  it("rejects naming both failures when the dead-letter queue fails too", async () => {
    sns.on(PublishCommand).rejects(throttled());
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error("Access to the resource is denied"), { name: "AccessDenied" }));
    const error = await sink().send(openEvent()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect((error as AlertDeliveryError).parkedIn).toBeUndefined();
    expect((error as Error).message).toMatch(/ThrottledException: Rate exceeded; the dead-letter queue .* failed too: AccessDenied: Access to the resource is denied$/);
    expect(log.entries.some((e) => e.level === "error" && e.message === "alert publish failed and the dead-letter queue failed too")).toBe(true);
  });

  it("rejects when publishing fails and no dead-letter queue is configured", async () => {
    sns.on(PublishCommand).rejects(throttled());
    await expect(sink({ deadLetter: undefined }).send(openEvent())).rejects.toThrow(/no dead-letter queue is configured$/);
  });

  it("uses group and deduplication ids on a FIFO dead-letter queue", async () => {
    sns.on(PublishCommand).rejects(throttled());
    sqs.on(SendMessageCommand).resolves({ MessageId: "d-1" });
    await sink({ deadLetter: { sqs: new SQSClient({ region: "eu-west-1" }), queueUrl: `${QUEUE}.fifo` } }).send(openEvent()).catch(() => undefined);
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input).toMatchObject({ MessageGroupId: "checkout", MessageDeduplicationId: eventDeduplicationId(openEvent()) });
  });

  it("rejects a topic that is not an ARN", () => {
    expect(() => sink({ topicArn: "cad-alerts" })).toThrow('SnsAlertSink: topicArn must be an SNS topic ARN, got "cad-alerts"');
  });
});
