/**
 * Lambda's SQS event sources: a worker reports partial batch failures (so one bad message is retried alone, not
 * its whole batch) and has a bounded maximum concurrency; the queue it consumes has a dead-letter queue, so a
 * message that keeps failing is parked instead of retried until it expires, and a visibility timeout no shorter
 * than the function's timeout, so a message is not handed to a second worker while the first still runs it.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { violation } from "./lib/config";
import { isProvided, readKnown } from "./lib/known";
import { refersTo, type StackResource } from "./lib/stackReferences";

const EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FUNCTION = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";

/** True when the mapping reads an SQS queue (by ARN; unknown during preview counts as not known to be SQS). */
function readsSqs(eventSourceArn: unknown): boolean {
  return typeof eventSourceArn === "string" && /^arn:aws[a-z-]*:sqs:/.test(eventSourceArn);
}

export const sqsEventSourcePartialBatch: ResourceValidationPolicy = {
  name: "sqs-event-source-partial-batch",
  description: "SQS event source mappings report batch item failures and bound their concurrency.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.lambda.EventSourceMapping, (mapping, _args, report) => {
    const source = readKnown(() => mapping.eventSourceArn);
    if (source !== undefined && !readsSqs(source)) return;
    const types = readKnown(() => mapping.functionResponseTypes);
    if (types !== undefined && !types.includes("ReportBatchItemFailures")) {
      report(violation("The mapping does not report batch item failures: one failing message makes Lambda retry its whole batch.", 'set functionResponseTypes: ["ReportBatchItemFailures"] and return {batchItemFailures} from the handler.'));
    }
    if (!isProvided(() => mapping.scalingConfig?.maximumConcurrency)) {
      report(violation("The mapping's concurrency is unbounded: a backlog can take the account's whole concurrency.", "set scalingConfig.maximumConcurrency (2-1000)."));
    }
  }),
};

/** The queue a mapping reads, when it is in the stack. */
function queueOf(mapping: StackResource, resources: readonly StackResource[]): StackResource | undefined {
  return resources.find((q) => q.type === QUEUE && refersTo(mapping, "eventSourceArn", q, (p) => p["eventSourceArn"]));
}

function functionOf(mapping: StackResource, resources: readonly StackResource[]): StackResource | undefined {
  return resources.find((f) => f.type === FUNCTION && refersTo(mapping, "functionName", f, (p) => p["functionName"]));
}

export const sqsSourceQueueDeadLetter: StackValidationPolicy = {
  name: "sqs-source-queue-dead-letter",
  description: "A queue a Lambda consumes has a dead-letter queue and a visibility timeout no shorter than the function's timeout.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, report) => {
    for (const mapping of args.resources.filter((r) => r.type === EVENT_SOURCE_MAPPING)) {
      const queue = queueOf(mapping, args.resources);
      if (!queue) continue;
      if (!isProvided(() => queue.props["redrivePolicy"])) {
        report(violation(`Queue '${queue.name}' (consumed by '${mapping.name}') has no dead-letter queue: a message that keeps failing is retried until it expires.`, "set redrivePolicy: {deadLetterTargetArn, maxReceiveCount} to a queue with an alarm."), queue.urn);
      }
      const fn = functionOf(mapping, args.resources);
      const visibility = readKnown(() => queue.props["visibilityTimeoutSeconds"] as number | undefined) ?? 30;
      const timeout = fn ? readKnown(() => fn.props["timeout"] as number | undefined) ?? 3 : undefined;
      if (timeout !== undefined && visibility < timeout) {
        report(violation(`Queue '${queue.name}' has a visibility timeout of ${visibility} s, below its worker's timeout of ${timeout} s: a message can be handed to a second worker while the first still runs it.`, "set visibilityTimeoutSeconds to at least the function's timeout (AWS recommends six times it)."), queue.urn);
      }
    }
  },
};

export const eventSourcePolicies = [sqsEventSourcePartialBatch, sqsSourceQueueDeadLetter];
