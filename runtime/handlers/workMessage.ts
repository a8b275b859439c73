import { createHash } from "node:crypto";
import * as v from "valibot";
import { parseJson, parseWithSchema } from "../errors/parseWithSchema";
import type { WorkMessage } from "../ports";

/** The body of one queued work message: exactly these fields (an unknown one is refused, not ignored). */
export const workMessageSchema = v.strictObject({
  kind: v.picklist(["collect", "detect"]),
  service: v.pipe(v.string(), v.minLength(1, "expected a non-empty service name"), v.maxLength(255, "expected a service name of at most 255 characters")),
  through: v.pipe(v.number(), v.integer(), v.minValue(0, "expected epoch milliseconds")),
  discovered: v.optional(
    v.pipe(
      v.strictObject({
        cluster: v.pipe(v.string(), v.minLength(1, "expected a non-empty cluster name")),
        minTasks: v.pipe(v.number(), v.integer(), v.minValue(0, "expected an integer >= 0")),
        maxTasks: v.pipe(v.number(), v.integer(), v.minValue(1, "expected an integer >= 1")),
      }),
      v.check((d) => d.minTasks <= d.maxTasks, "expected minTasks <= maxTasks"),
    ),
  ),
});

/** The message text the planner sends (JSON, small: well under SQS's 256 KiB). */
export function encodeWorkMessage(message: WorkMessage): string {
  const { kind, service, through, discovered } = message;
  return JSON.stringify(discovered === undefined ? { kind, service, through } : { kind, service, through, discovered: { cluster: discovered.cluster, minTasks: discovered.minTasks, maxTasks: discovered.maxTasks } });
}

/**
 * Parses a message body as a {@link WorkMessage} of `kind`; throws a SchemaError naming `where` (the queue and
 * message id) and the field at fault, or an error when the message was meant for the other worker.
 */
export function parseWorkMessage(body: string, kind: WorkMessage["kind"], where: string): WorkMessage {
  const message = parseWithSchema(workMessageSchema, parseJson(body, where), where);
  if (message.kind !== kind) throw new Error(`${where}: a "${message.kind}" message on the ${kind} queue; check the planner's queue URL`);
  return message;
}

/**
 * The FIFO message group of a message: its service, so that the queue hands a service's messages out one at a time
 * and in order (no two workers on one service, a backlog oldest-first), while different services run in parallel.
 * SQS allows 128 characters of a fixed alphabet; a longer or unusual name is replaced by its SHA-256.
 */
export function workGroupId(message: WorkMessage): string {
  return /^[A-Za-z0-9_.:-]{1,128}$/.test(message.service) ? message.service : createHash("sha256").update(message.service).digest("hex");
}

/** The FIFO deduplication id: one per kind, service and planned time, so a retried planner run enqueues nothing twice. */
export function workDeduplicationId(message: WorkMessage): string {
  return createHash("sha256").update(`${message.kind}\n${message.service}\n${message.through}`).digest("hex");
}
