import type { Clock, Log, WorkMessage, WorkQueue } from "../ports";

export interface PlanHandlerDeps {
  /** Which workers the messages are for: the collector's or the detector's queue. */
  readonly kind: WorkMessage["kind"];
  /** The services to fan out over, one message each per run. */
  readonly services: readonly string[];
  readonly queue: WorkQueue;
  /** The run's planned time (the schedule's firing time in the Lambda): every message carries it as `through`. */
  readonly clock: Clock;
  readonly log: Log;
}

/** What one planner run enqueued. */
export interface PlanResult {
  readonly kind: WorkMessage["kind"];
  /** The planned time every message carries, epoch ms. */
  readonly through: number;
  readonly enqueued: number;
}

/**
 * The planner: on every schedule, one message per service on the workers' queue, each carrying the service and the
 * planned time. The workers do the work (one service per message, concurrency bounded by the event source mapping);
 * the planner only plans, so it stays fast however many services there are.
 *
 * A retried planner run enqueues the same messages again: harmless, since a worker that finds a message's steps
 * (or windows) already done changes nothing. Rejects when the queue refused messages, so Lambda retries the run.
 */
export function makePlanHandler(deps: PlanHandlerDeps): () => Promise<PlanResult> {
  if (deps.services.length === 0) throw new Error(`${deps.kind} planner: no services to plan for: configure at least one service`);
  const duplicates = deps.services.filter((s, i) => deps.services.indexOf(s) !== i);
  if (duplicates.length > 0) throw new Error(`${deps.kind} planner: service(s) listed twice: ${[...new Set(duplicates)].join(", ")}`);
  return async () => {
    const through = deps.clock.now();
    const messages: WorkMessage[] = deps.services.map((service) => ({ kind: deps.kind, service, through }));
    await deps.queue.send(messages);
    deps.log.info("planner: work enqueued", { kind: deps.kind, through: new Date(through).toISOString(), messages: messages.length });
    return { kind: deps.kind, through, enqueued: messages.length };
  };
}
