import type { Clock, Scaler, ScalingOutcome, ServiceCapacity } from "../../runtime/ports";
import type { ScalingDecision } from "../../runtime/types";

/** One scaling action the replay's handler applied, with the (replayed) time it happened. */
export interface RecordedScaling {
  /** Epoch ms (the replay clock). */
  readonly at: number;
  readonly decision: ScalingDecision;
}

/**
 * The Scaler of a backtest: it remembers each service's task count and records every action instead of
 * changing anything. Replayed metrics are history, so scaling cannot change them: the record says what the
 * detector *would* have done.
 */
export class RecordingScaler implements Scaler {
  readonly actions: RecordedScaling[] = [];
  private readonly desired = new Map<string, number>();

  /** @param tasks starting task count per service. */
  constructor(
    tasks: ReadonlyMap<string, number>,
    private readonly clock: Clock,
  ) {
    for (const [service, n] of tasks) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`RecordingScaler: tasks of "${service}" must be a positive integer, got ${n}`);
      this.desired.set(service, n);
    }
  }

  async describe(service: string): Promise<ServiceCapacity> {
    const n = this.desired.get(service);
    if (n === undefined) throw new Error(`RecordingScaler: unknown service "${service}"`);
    return { desiredTasks: n, runningTasks: n, deploying: false };
  }

  async apply(decision: ScalingDecision): Promise<ScalingOutcome> {
    if (!this.desired.has(decision.service)) throw new Error(`RecordingScaler: unknown service "${decision.service}"`);
    this.desired.set(decision.service, decision.toTasks);
    this.actions.push({ at: this.clock.now(), decision });
    return { applied: true, dryRun: false, target: "desired-count", toTasks: decision.toTasks, reason: "recorded by the backtest (no service was changed)" };
  }
}
