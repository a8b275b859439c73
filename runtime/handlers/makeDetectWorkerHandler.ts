import type { Clock, Log } from "../ports";
import type { ServiceDetection, ServiceRunSummary } from "./makeDetectHandler";
import { processSqsBatch, type SqsBatchResult } from "./sqsBatch";

export interface DetectWorkerDeps {
  /** The per-service detection (makeServiceDetection), built once per cold start. */
  readonly detection: ServiceDetection;
  /** The wall clock: no step after it is scored, and scaling cooldowns run on it. */
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * The detector worker: consumes an SQS batch of `detect` messages, runs each service's detection up to the
 * message's planned time, and answers with the messages to retry (ReportBatchItemFailures), so a failing service
 * is retried alone while the others' messages are deleted.
 *
 * At-least-once delivery is safe: a message whose steps were already scored (redelivered, or older than one that
 * already ran) scores, decides and scales nothing and only delivers pending alerts; the state's outbox makes every
 * alert go out once, and a scaling action is claimed by a conditional state write before it is applied, so of two
 * workers on the same service only one scales (the other fails its message with a conflict, and its retry is stale).
 */
export function makeDetectWorkerHandler(deps: DetectWorkerDeps): (event: unknown) => Promise<SqsBatchResult<ServiceRunSummary>> {
  return (event) => processSqsBatch(event, "detect", (m) => deps.detection.run(m.service, deps.clock.now(), m.through, m.discovered), deps.log);
}
