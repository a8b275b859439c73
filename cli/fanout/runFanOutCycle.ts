import { performance } from "node:perf_hooks";
import { MemoryWorkQueue } from "../../runtime/adapters/memory/MemoryWorkQueue";
import { makeServiceDetection, type DetectHandlerDeps, type ServiceRunSummary } from "../../runtime/handlers/makeDetectHandler";
import { makeDetectWorkerHandler } from "../../runtime/handlers/makeDetectWorkerHandler";
import { makePlanHandler } from "../../runtime/handlers/makePlanHandler";
import type { ServiceDirectory, WorkMessage } from "../../runtime/ports";

/** One service's result in a cycle: its detect summary (or error) and how long its message took, ms. */
export interface ServiceCycleResult {
  readonly service: string;
  readonly ms: number;
  readonly summary?: ServiceRunSummary;
  readonly error?: string;
}

export interface FanOutCycleReport {
  /** The planned time of the cycle, epoch ms. */
  readonly at: number;
  /** Wall time of the whole cycle (plan + drain), ms. */
  readonly wallMs: number;
  /** Per service: its last attempt's outcome, in the order they finished. */
  readonly services: readonly ServiceCycleResult[];
  /** Messages redelivered after a failure, and messages that ended in the dead-letter list. */
  readonly retries: number;
  readonly deadLettered: number;
}

export interface FanOutOptions {
  /** The detect handler's deps for every service (one source and scaler answering for all of them). */
  readonly deps: DetectHandlerDeps;
  /** Concurrent workers (each its own detection and detector cache, as one Lambda instance). */
  readonly workers: number;
  /** Messages per worker invocation (1–10). */
  readonly batchSize: number;
  /** Receives before a failing message is dead-lettered. Default 3. */
  readonly maxReceiveCount?: number;
  /**
   * Services listed besides `deps.services`, as the Lambdas' `discovery` does: the planner asks it every cycle, and
   * their messages carry cluster and bounds, so `deps.discovered` must allow the cluster.
   */
  readonly directory?: ServiceDirectory;
}

/**
 * The fan-out locally: the same planner, FIFO queue semantics (MemoryWorkQueue) and detector workers the Lambdas
 * run, with in-memory adapters. {@link runCycle} plans one message per service (configured, and listed by the
 * directory when there is one) at `at` (the deps' clock must read
 * `at` too) and drains the queue with a pool of workers. Node runs them on one thread: they interleave at I/O, so
 * wall time is the sum of the services' compute, as on one core.
 */
export function makeFanOut(options: FanOutOptions): { runCycle(at: number): Promise<FanOutCycleReport> } {
  const { deps } = options;
  const timed = new Map<string, ServiceCycleResult>();
  const workers = Array.from({ length: options.workers }, () => {
    const detection = makeServiceDetection(deps);
    const measured = {
      services: detection.services,
      run: async (service: string, now: number, through?: number, discovered?: WorkMessage["discovered"]) => {
        const t0 = performance.now();
        try {
          const summary = await detection.run(service, now, through, discovered);
          timed.set(service, { service, ms: performance.now() - t0, summary });
          return summary;
        } catch (err) {
          timed.set(service, { service, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) });
          throw err;
        }
      },
    };
    return makeDetectWorkerHandler({ detection: measured, clock: deps.clock, log: deps.log });
  });
  const services = deps.services.map((s) => s.name);
  return {
    async runCycle(at: number): Promise<FanOutCycleReport> {
      timed.clear();
      const t0 = performance.now();
      const queue = new MemoryWorkQueue({ maxReceiveCount: options.maxReceiveCount ?? 3 });
      const planned = await makePlanHandler({ kind: "detect", services, ...(options.directory ? { directory: options.directory } : {}), queue, clock: { now: () => at }, log: deps.log })();
      const drained = await queue.drain(workers, { batchSize: options.batchSize });
      return { at, wallMs: performance.now() - t0, services: [...timed.values()], retries: drained.deliveries - planned.enqueued, deadLettered: queue.deadLetters.length };
    },
  };
}

/** The q-quantile (0–1) of `values` by nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
