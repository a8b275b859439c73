import type { Clock, Log, ServiceDirectory, WorkMessage, WorkQueue } from "../ports";

export interface PlanHandlerDeps {
  /** Which workers the messages are for: the collector's or the detector's queue. */
  readonly kind: WorkMessage["kind"];
  /** The configured services, one message each per run. They win over a service of the same name the directory finds. */
  readonly services: readonly string[];
  /** Services to plan for besides the configured ones (every matching service of some ECS clusters); optional. */
  readonly directory?: ServiceDirectory;
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
  /** Of `enqueued`, the services found by the directory (not configured). */
  readonly discovered: number;
}

/**
 * The planner: on every schedule, one message per service on the workers' queue, each carrying the service and the
 * planned time. The workers do the work (one service per message, concurrency bounded by the event source mapping);
 * the planner only plans, so it stays fast however many services there are.
 *
 * With a directory, the services it lists are planned too, each message carrying the service's cluster and scaling
 * bounds (the workers' configuration does not know them). A configured service keeps its configured entry when the
 * directory also lists it, so each service gets one message. If the directory fails, the configured services are
 * still enqueued and the run then rejects, so Lambda retries it (the retry's configured messages are dropped as
 * duplicates by the FIFO queue) and, after its retries, parks the event in the dead-letter queue.
 *
 * A retried planner run enqueues the same messages again: harmless, since a worker that finds a message's steps
 * (or windows) already done changes nothing. Rejects when the queue refused messages, so Lambda retries the run.
 */
export function makePlanHandler(deps: PlanHandlerDeps): () => Promise<PlanResult> {
  if (deps.services.length === 0 && deps.directory === undefined) throw new Error(`${deps.kind} planner: no services to plan for: configure at least one service`);
  const duplicates = deps.services.filter((s, i) => deps.services.indexOf(s) !== i);
  if (duplicates.length > 0) throw new Error(`${deps.kind} planner: service(s) listed twice: ${[...new Set(duplicates)].join(", ")}`);
  return async () => {
    const through = deps.clock.now();
    const messages: WorkMessage[] = deps.services.map((service) => ({ kind: deps.kind, service, through }));
    let listing: Error | undefined;
    let discovered = 0;
    if (deps.directory) {
      try {
        const planned = new Set(deps.services);
        let configuredToo = 0;
        for (const { cluster, service, minTasks, maxTasks } of await deps.directory.list()) {
          if (planned.has(service)) {
            configuredToo++;
            continue;
          }
          planned.add(service);
          messages.push({ kind: deps.kind, service, through, discovered: { cluster, minTasks, maxTasks } });
          discovered++;
        }
        if (configuredToo > 0) deps.log.info("planner: configured services also found in the clusters keep their configured settings", { kind: deps.kind, services: configuredToo });
      } catch (error) {
        listing = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (messages.length > 0) await deps.queue.send(messages);
    deps.log.info("planner: work enqueued", { kind: deps.kind, through: new Date(through).toISOString(), messages: messages.length, discovered });
    if (listing) {
      deps.log.error("planner: listing the clusters' services failed; only the configured services were planned", { kind: deps.kind, error: listing.message });
      throw new Error(`${deps.kind} planner: ${messages.length} configured service(s) planned, but the service directory failed: ${listing.message}`, { cause: listing });
    }
    return { kind: deps.kind, through, enqueued: messages.length, discovered };
  };
}
