import * as v from "valibot";
import { parseWithSchema } from "../errors/parseWithSchema";
import type { Log, WorkMessage } from "../ports";
import { parseWorkMessage } from "./workMessage";
import { errorMessage } from "../errors/errorMessage";

/** The fields of Lambda's SQS event a worker uses (the records carry more, which are kept out of the way). */
const sqsEventSchema = v.looseObject({
  Records: v.array(
    v.looseObject({
      messageId: v.pipe(v.string(), v.minLength(1)),
      body: v.string(),
      attributes: v.optional(v.looseObject({ ApproximateReceiveCount: v.optional(v.string()) })),
    }),
  ),
});

/** Lambda's partial batch response: the ids of the messages to retry (ReportBatchItemFailures). */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** What became of one message of a batch. */
export type MessageOutcome<R> =
  | { readonly messageId: string; readonly message: WorkMessage; readonly ok: true; readonly result: R }
  | { readonly messageId: string; readonly message?: WorkMessage; readonly ok: false; readonly error: string };

export interface SqsBatchResult<R> extends SqsBatchResponse {
  /** Per message, in the batch's order. */
  readonly outcomes: readonly MessageOutcome<R>[];
}

/**
 * Runs one SQS batch of work messages and reports which to retry. Messages are grouped by service: the groups run
 * concurrently, so a slow or failing service holds up no other one; within a group messages run one at a time,
 * oldest `through` first, so a backlog is worked through in time order. When one fails, the service's later
 * messages in the batch are not attempted and are retried with it. A malformed message fails alone (after its
 * retries it lands in the dead-letter queue). `run` rejects to fail a message.
 */
export async function processSqsBatch<R>(event: unknown, kind: WorkMessage["kind"], run: (message: WorkMessage) => Promise<R>, log: Log): Promise<SqsBatchResult<R>> {
  const { Records } = parseWithSchema(sqsEventSchema, event, `${kind} worker: SQS event`);
  const outcomes = new Map<string, MessageOutcome<R>>();
  const groups = new Map<string, { messageId: string; message: WorkMessage }[]>();
  for (const record of Records) {
    try {
      const message = parseWorkMessage(record.body, kind, `${kind} queue message ${record.messageId}`);
      const group = groups.get(message.service) ?? [];
      group.push({ messageId: record.messageId, message });
      groups.set(message.service, group);
    } catch (err) {
      const error = errorMessage(err);
      log.error("work message refused", { messageId: record.messageId, error });
      outcomes.set(record.messageId, { messageId: record.messageId, ok: false, error });
    }
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      group.sort((a, b) => a.message.through - b.message.through);
      let failed: string | undefined;
      for (const { messageId, message } of group) {
        if (failed !== undefined) {
          outcomes.set(messageId, { messageId, message, ok: false, error: `not attempted: an earlier message of "${message.service}" failed (${failed})` });
          continue;
        }
        try {
          outcomes.set(messageId, { messageId, message, ok: true, result: await run(message) });
        } catch (err) {
          failed = errorMessage(err);
          log.error("work message failed; it will be retried", { messageId, service: message.service, through: new Date(message.through).toISOString(), error: failed });
          outcomes.set(messageId, { messageId, message, ok: false, error: failed });
        }
      }
    }),
  );
  const ordered = Records.map((r) => outcomes.get(r.messageId) as MessageOutcome<R>);
  return { batchItemFailures: ordered.filter((o) => !o.ok).map((o) => ({ itemIdentifier: o.messageId })), outcomes: ordered };
}
