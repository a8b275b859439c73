import { createHash } from "node:crypto";
import { PublishCommand, type MessageAttributeValue, type SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { AlertSink, Clock, Log } from "../../ports";
import type { IncidentEvent } from "../../types";
import { buildAlertMessage, MAX_ATTRIBUTES, SNS_MAX_BYTES, type AlertMessage } from "./alertMessage";
import { incidentEventProblems } from "../../detection/incidentEventSchema";
import { CadError } from "../../errors/CadError";
import { deadLetterText, incidentIdOf, PoisonEventError } from "../../errors/PoisonEventError";
import { errorDescription, errorMessage } from "../../errors/errorMessage";

export interface SnsAlertSinkOptions {
  readonly sns: SNSClient;
  readonly topicArn: string;
  /**
   * Where an alert goes when publishing fails: a standard (or FIFO) SQS queue. The body is the exact SNS
   * message; attributes carry the topic, subject and error, so a replay can republish it unchanged.
   */
  readonly deadLetter?: { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly log: Log;
  /** Size budget of one message (body + subject + attributes), bytes. Default SNS's 262,144. */
  readonly maxMessageBytes?: number;
  /** The `cad feedback` options that reach this deployment's feedback store (e.g. `--bucket NAME`), put in each alert's `giveFeedback` command. */
  readonly feedbackOptions?: string;
  /** The HTTPS feedback action's function URL when deployed (`feedbackUrl`), put in each alert's `giveFeedbackUrl` command. */
  readonly feedbackUrl?: string;
  /** Stamps `failedAt` on dead-lettered alerts. Default the system clock. */
  readonly clock?: Clock;
}

/** An alert could not be published. `parkedIn` is the dead-letter queue holding it, when that worked. */
export class AlertDeliveryError extends CadError {
  constructor(
    message: string,
    readonly incidentId: string,
    readonly parkedIn: string | undefined,
    cause: unknown,
  ) {
    super(message, "AlertDeliveryError", { cause });
  }
}

const describeError = (e: unknown): string => (errorDescription(e));
const stringAttribute = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

/** Deduplication id of an event (FIFO topics and queues): the same event always maps to the same id. */
export function eventDeduplicationId(event: IncidentEvent): string {
  return createHash("sha256").update(`${event.incident.id}|${event.type}|${event.at}`).digest("hex");
}

/**
 * Publishes one SNS message per incident event (open, update, resolve): a JSON body, a readable subject and
 * filterable attributes (eventId, eventType, service, severity, kind). The event id (`<incident id>#<n>`) is
 * stable: a run that re-sends an event it could not mark as sent (its state save failed after the publish)
 * sends the same id, so a receiver can drop the duplicate. If publishing fails, the exact message is put in
 * the dead-letter queue and the send still rejects, so the run reports failure (and Lambda retries) while the
 * alert is kept either way.
 *
 * A poison event — one that fails the incident-event schema or cannot be made into a message at all — is never
 * published: it is parked in the dead-letter queue as it is (attribute `poison=true` and the reason), or, with no
 * queue configured, written whole into the error log; the send rejects with PoisonEventError so the outbox drops
 * it and delivers the events behind it.
 */
export class SnsAlertSink implements AlertSink {
  private readonly fifo: boolean;

  constructor(private readonly options: SnsAlertSinkOptions) {
    if (!options.topicArn.startsWith("arn:")) throw new Error(`SnsAlertSink: topicArn must be an SNS topic ARN, got ${JSON.stringify(options.topicArn)}`);
    this.fifo = options.topicArn.endsWith(".fifo");
  }

  async send(event: IncidentEvent): Promise<void> {
    const problems = incidentEventProblems(event);
    if (problems) return this.parkPoison(event, problems);
    let message: AlertMessage;
    try {
      message = buildAlertMessage(event, this.options.maxMessageBytes ?? SNS_MAX_BYTES, { storeOptions: this.options.feedbackOptions, url: this.options.feedbackUrl });
    } catch (err) {
      return this.parkPoison(event, [`cannot be made into an SNS message: ${errorMessage(err)}`]);
    }
    const attributes = Object.fromEntries(Object.entries(message.attributes).map(([k, v]) => [k, stringAttribute(v)]));
    try {
      const out = await this.options.sns.send(
        new PublishCommand({
          TopicArn: this.options.topicArn,
          Subject: message.subject,
          Message: message.body,
          MessageAttributes: attributes,
          ...(this.fifo ? { MessageGroupId: event.incident.service, MessageDeduplicationId: eventDeduplicationId(event) } : {}),
        }),
      );
      this.options.log.info("alert published", { incidentId: event.incident.id, eventType: event.type, messageId: out.MessageId, bytes: Buffer.byteLength(message.body) });
    } catch (error) {
      await this.park(event, message, error);
    }
  }

  /** Puts a message that could not be published into the dead-letter queue, then rejects either way. */
  private async park(event: IncidentEvent, message: AlertMessage, publishError: unknown): Promise<never> {
    const what = `SNS publish of incident ${event.incident.id} (${event.type}) to ${this.options.topicArn} failed: ${describeError(publishError)}`;
    const dlq = this.options.deadLetter;
    if (!dlq) {
      this.options.log.error("alert not delivered and no dead-letter queue configured", { incidentId: event.incident.id, eventType: event.type, error: what });
      throw new AlertDeliveryError(`${what}; no dead-letter queue is configured`, event.incident.id, undefined, publishError);
    }
    const attributes: Record<string, MessageAttributeValue> = {
      ...Object.fromEntries(Object.entries(message.attributes).map(([k, v]) => [k, stringAttribute(v)])),
      topicArn: stringAttribute(this.options.topicArn),
      subject: stringAttribute(message.subject),
      publishError: stringAttribute(describeError(publishError).slice(0, 1_000)),
      failedAt: stringAttribute(new Date(this.options.clock?.now() ?? Date.now()).toISOString()),
    };
    if (Object.keys(attributes).length > MAX_ATTRIBUTES) throw new Error(`dead-letter message would carry ${Object.keys(attributes).length} attributes, over ${MAX_ATTRIBUTES}`);
    try {
      const out = await dlq.sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq.queueUrl,
          MessageBody: message.body,
          MessageAttributes: attributes,
          ...(dlq.queueUrl.endsWith(".fifo") ? { MessageGroupId: event.incident.service, MessageDeduplicationId: eventDeduplicationId(event) } : {}),
        }),
      );
      this.options.log.error("alert publish failed; parked in the dead-letter queue", { incidentId: event.incident.id, eventType: event.type, queueUrl: dlq.queueUrl, messageId: out.MessageId, error: what });
    } catch (dlqError) {
      this.options.log.error("alert publish failed and the dead-letter queue failed too", { incidentId: event.incident.id, eventType: event.type, error: what, deadLetterError: describeError(dlqError) });
      throw new AlertDeliveryError(`${what}; the dead-letter queue ${dlq.queueUrl} failed too: ${describeError(dlqError)}`, event.incident.id, undefined, publishError);
    }
    throw new AlertDeliveryError(`${what}; the alert was parked in the dead-letter queue ${dlq.queueUrl}`, event.incident.id, dlq.queueUrl, publishError);
  }

  /** Parks an event that can never be published (see the class comment), then rejects with PoisonEventError. */
  private async parkPoison(event: unknown, problems: readonly string[]): Promise<never> {
    const id = incidentIdOf(event);
    const reason = problems.join("; ");
    const dlq = this.options.deadLetter;
    if (!dlq) {
      this.options.log.error("malformed alert event dropped from the outbox; no dead-letter queue is configured, so it is kept in this log line", { incidentId: id, reason, event: deadLetterText(event, 100_000) });
      throw new PoisonEventError(`alert event of ${id} is malformed (${reason}); no dead-letter queue is configured: logged`, "the error log (no dead-letter queue configured)", problems);
    }
    // SQS takes at most 256 KB per message: the event is cut, and says so, if it is larger.
    const body = deadLetterText(event, 200_000);
    const attributes: Record<string, MessageAttributeValue> = {
      poison: stringAttribute("true"),
      reason: stringAttribute(reason.slice(0, 1_000)),
      incidentId: stringAttribute(id),
      topicArn: stringAttribute(this.options.topicArn),
      failedAt: stringAttribute(new Date(this.options.clock?.now() ?? Date.now()).toISOString()),
    };
    try {
      const out = await dlq.sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq.queueUrl,
          MessageBody: body,
          MessageAttributes: attributes,
          ...(dlq.queueUrl.endsWith(".fifo") ? { MessageGroupId: "poison", MessageDeduplicationId: createHash("sha256").update(body).digest("hex") } : {}),
        }),
      );
      this.options.log.error("malformed alert event parked in the dead-letter queue; the rest of the outbox goes on", { incidentId: id, reason, queueUrl: dlq.queueUrl, messageId: out.MessageId });
    } catch (dlqError) {
      this.options.log.error("malformed alert event could not be parked: the dead-letter queue failed", { incidentId: id, reason, deadLetterError: describeError(dlqError) });
      throw new AlertDeliveryError(`alert event of ${id} is malformed (${reason}) and the dead-letter queue ${dlq.queueUrl} failed: ${describeError(dlqError)}`, id, undefined, dlqError);
    }
    throw new PoisonEventError(`alert event of ${id} is malformed (${reason}); parked in the dead-letter queue ${dlq.queueUrl}`, dlq.queueUrl, problems);
  }
}
