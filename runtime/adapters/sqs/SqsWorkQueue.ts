import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { encodeWorkMessage, workDeduplicationId, workGroupId } from "../../handlers/workMessage";
import type { WorkMessage, WorkQueue } from "../../ports";
import { errorDescription } from "../../errors/errorMessage";

/** SQS accepts at most 10 entries per SendMessageBatch. */
const SQS_BATCH = 10;

/**
 * The workers' FIFO queue in SQS: one message group per service (workGroupId) and a deduplication id per kind,
 * service and planned time (workDeduplicationId). Messages go out with SendMessageBatch, 10 per request. An entry SQS refuses (the
 * response's `Failed`) or a request that fails makes `send` reject, after the other batches were still sent, with
 * the services not enqueued and SQS's reason, so the planner run fails and is retried (re-sent messages are
 * harmless: the workers are idempotent).
 */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {
    // http is for loopback test servers; SQS itself is https.
    if (!/^https?:\/\/\S+\.fifo$/.test(queueUrl)) throw new Error(`SqsWorkQueue: expected a FIFO queue's URL (https://….fifo), got "${queueUrl.slice(0, 80)}"`);
  }

  async send(messages: readonly WorkMessage[]): Promise<void> {
    const failed: string[] = [];
    for (let i = 0; i < messages.length; i += SQS_BATCH) {
      const chunk = messages.slice(i, i + SQS_BATCH);
      const entries = chunk.map((m, j) => ({ Id: String(j), MessageBody: encodeWorkMessage(m), MessageGroupId: workGroupId(m), MessageDeduplicationId: workDeduplicationId(m) }));
      try {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        for (const f of out.Failed ?? []) failed.push(`${chunk[Number(f.Id)]?.service ?? `entry ${String(f.Id)}`} (${f.Code ?? "error"}: ${f.Message ?? "no message"})`);
      } catch (err) {
        const reason = errorDescription(err);
        failed.push(...chunk.map((m) => `${m.service} (${reason})`));
      }
    }
    if (failed.length > 0) {
      const shown = failed.slice(0, 5).join("; ");
      throw new Error(`SQS ${this.queueUrl}: ${failed.length} of ${messages.length} message(s) not enqueued: ${shown}${failed.length > 5 ? "; …" : ""}`);
    }
  }
}
