import type { Clock, Log } from "../ports";
import type { ServiceCollectResult, ServiceCollection } from "./makeCollectHandler";
import { processSqsBatch, type SqsBatchResult } from "./sqsBatch";

export interface CollectWorkerDeps {
  /** The per-service collection (makeServiceCollection), built once per cold start. */
  readonly collection: ServiceCollection;
  /** The wall clock: nothing younger than the settle time at it is collected. */
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * The collector worker: consumes an SQS batch of `collect` messages and collects each service's windows from its
 * checkpoint up to the message's planned time, answering with the messages to retry (ReportBatchItemFailures).
 * Idempotent: windows are keyed by their start (a retry overwrites, never duplicates) and the checkpoint moves by
 * conditional writes, so a redelivered or older message finds its windows written and writes nothing.
 */
export function makeCollectWorkerHandler(deps: CollectWorkerDeps): (event: unknown) => Promise<SqsBatchResult<ServiceCollectResult>> {
  return (event) => processSqsBatch(event, "collect", (m) => deps.collection.run(m.service, deps.clock.now(), m.through, m.discovered), deps.log);
}
