import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { sqsEventSourcePartialBatch, sqsSourceQueueDeadLetter } from "../../policies/eventSources";
import { resourceOf, runResourcePolicy, runStackPolicy, typeTokenOf, type StackResourceUnderTest } from "../helpers/policyHarness";

const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:cad-dev-detect-work.fifo";
const DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:cad-dev-detect-work-dlq.fifo";
const FN_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:cad-dev-detect";

const mapping = (overrides: Record<string, unknown> = {}) =>
  resourceOf(aws.lambda.EventSourceMapping, { eventSourceArn: QUEUE_ARN, functionName: FN_ARN, functionResponseTypes: ["ReportBatchItemFailures"], scalingConfig: { maximumConcurrency: 10 }, ...overrides });

describe("sqs-event-source-partial-batch", () => {
  it("passes an SQS mapping with partial batch responses and a maximum concurrency", async () => {
    expect((await runResourcePolicy(sqsEventSourcePartialBatch, mapping())).violations).toEqual([]);
  });

  it("flags a mapping that would retry whole batches", async () => {
    expect((await runResourcePolicy(sqsEventSourcePartialBatch, mapping({ functionResponseTypes: [] }))).violations).toEqual([
      'The mapping does not report batch item failures: one failing message makes Lambda retry its whole batch. Remediation: set functionResponseTypes: ["ReportBatchItemFailures"] and return {batchItemFailures} from the handler.',
    ]);
  });

  it("flags unbounded concurrency", async () => {
    expect((await runResourcePolicy(sqsEventSourcePartialBatch, mapping({ scalingConfig: undefined }))).violations).toEqual([
      "The mapping's concurrency is unbounded: a backlog can take the account's whole concurrency. Remediation: set scalingConfig.maximumConcurrency (2-1000).",
    ]);
  });

  it("leaves mappings of other sources alone", async () => {
    const kinesis = mapping({ eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/s", functionResponseTypes: [], scalingConfig: undefined });
    expect((await runResourcePolicy(sqsEventSourcePartialBatch, kinesis)).violations).toEqual([]);
  });
});

const stackResource = (cls: unknown, name: string, props: Record<string, unknown>): StackResourceUnderTest => ({ type: typeTokenOf(cls), name, props });
const fn = stackResource(aws.lambda.Function, "detect", { name: "cad-dev-detect", arn: FN_ARN, timeout: 240 });
const queue = (props: Record<string, unknown> = {}) =>
  stackResource(aws.sqs.Queue, "detect-work", { name: "cad-dev-detect-work.fifo", arn: QUEUE_ARN, visibilityTimeoutSeconds: 1440, redrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 }), ...props });
const esm = stackResource(aws.lambda.EventSourceMapping, "detect-queue", { eventSourceArn: QUEUE_ARN, functionName: FN_ARN });

describe("sqs-source-queue-dead-letter", () => {
  it("passes a consumed queue with a dead-letter queue and a long enough visibility timeout", async () => {
    expect((await runStackPolicy(sqsSourceQueueDeadLetter, [fn, queue(), esm])).violations).toEqual([]);
  });

  it("flags a consumed queue without a dead-letter queue", async () => {
    expect((await runStackPolicy(sqsSourceQueueDeadLetter, [fn, queue({ redrivePolicy: undefined }), esm])).violations).toEqual([
      "Queue 'detect-work' (consumed by 'detect-queue') has no dead-letter queue: a message that keeps failing is retried until it expires. Remediation: set redrivePolicy: {deadLetterTargetArn, maxReceiveCount} to a queue with an alarm.",
    ]);
  });

  it("flags a visibility timeout shorter than the worker's timeout (SQS's default of 30 s included)", async () => {
    expect((await runStackPolicy(sqsSourceQueueDeadLetter, [fn, queue({ visibilityTimeoutSeconds: undefined }), esm])).violations).toEqual([
      "Queue 'detect-work' has a visibility timeout of 30 s, below its worker's timeout of 240 s: a message can be handed to a second worker while the first still runs it. Remediation: set visibilityTimeoutSeconds to at least the function's timeout (AWS recommends six times it).",
    ]);
  });

  it("ignores queues nobody consumes", async () => {
    expect((await runStackPolicy(sqsSourceQueueDeadLetter, [fn, queue({ redrivePolicy: undefined })])).violations).toEqual([]);
  });
});
