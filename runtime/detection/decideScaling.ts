import type { ServiceCapacity } from "../ports";
import type { Incident, ScalingDecision } from "../types";

/** Bounds and pacing of automatic scaling for one service. */
export interface ScalingPolicy {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Largest number of tasks added by one decision. */
  readonly maxStep: number;
  /** Minimum time between two scaling actions (ms), also before restoring. */
  readonly cooldownMs: number;
  /**
   * Give tasks back only if the CPU per task, projected onto the smaller count, stays at or below this
   * percentage; otherwise restoring would re-create the saturation it fixed. Default 60. Also the level above
   * which an open saturation incident that has gone quiet still counts as going on (scale out again).
   */
  readonly restoreMaxCpuPercent?: number;
}

/** What the decision logic remembers between runs. */
export interface ScalingState {
  /** Task count before the first scale-out of the current episode; restore goes back to it. */
  readonly baselineTasks?: number;
  readonly lastActionAt?: number;
}

export interface ScalingInput {
  readonly service: string;
  /** The service's open incident, if any. */
  readonly incident?: Incident;
  readonly capacity: ServiceCapacity;
  readonly state: ScalingState;
  readonly policy: ScalingPolicy;
  readonly now: number;
  /** An open incident counts as still active when its last anomaly is at most this old (ms). */
  readonly activeWithinMs: number;
  /**
   * …or at most this old (ms, at least `activeWithinMs`) while no scale-out has answered it yet, or while the CPU per
   * task stays above `restoreMaxCpuPercent`: the detector learns a confirmed fault as the new normal within about
   * a dozen steps, so a retry after a failed attempt, a run catching up on a window, or a service still hot after a
   * first step out may find its anomalies over though the saturation is not.
   */
  readonly unansweredWithinMs: number;
  /** Mean CPU % per container at the newest step, when the feature set has a CPU metric. */
  readonly cpuPercent?: number;
  /** The maintenance window in force, if any: no scaling (out or back) during it. */
  readonly maintenance?: string;
}

/** Checks a scaling policy, naming the field at fault. */
export function validateScalingPolicy(p: ScalingPolicy, where: string): ScalingPolicy {
  if (!Number.isInteger(p.minTasks) || p.minTasks < 0) throw new Error(`${where}: minTasks must be an integer >= 0, got ${p.minTasks}`);
  if (!Number.isInteger(p.maxTasks) || p.maxTasks < 1) throw new Error(`${where}: maxTasks must be an integer >= 1, got ${p.maxTasks}`);
  if (p.restoreMaxCpuPercent !== undefined && !(p.restoreMaxCpuPercent > 0 && p.restoreMaxCpuPercent <= 100)) throw new Error(`${where}: restoreMaxCpuPercent must be in (0, 100], got ${p.restoreMaxCpuPercent}`);
  if (p.minTasks > p.maxTasks) throw new Error(`${where}: minTasks (${p.minTasks}) is greater than maxTasks (${p.maxTasks})`);
  if (!Number.isInteger(p.maxStep) || p.maxStep < 1) throw new Error(`${where}: maxStep must be an integer >= 1, got ${p.maxStep}`);
  if (!Number.isFinite(p.cooldownMs) || p.cooldownMs < 0) throw new Error(`${where}: cooldownMs must be >= 0, got ${p.cooldownMs}`);
  return p;
}

/**
 * Decides whether to add tasks, give them back, or do nothing — and always says why. Pure.
 *
 * Scale out only for an active `saturation` incident (an anomaly within `activeWithinMs`, or `unansweredWithinMs` while
 * no scale-out has answered it, or the CPU per task still above `restoreMaxCpuPercent`), by at most `maxStep` (and at most half the current
 * count), never beyond `maxTasks`, never during a deployment or a maintenance window, never within the cooldown. Once no incident
 * is open, restore the task count remembered before the first scale-out (never below `minTasks`), again
 * only after the cooldown.
 */
export function decideScaling(input: ScalingInput): { decision: ScalingDecision; state: ScalingState } {
  const { service, incident, capacity, state, policy, now } = input;
  const from = capacity.desiredTasks;
  const none = (reason: string, st: ScalingState = state) => ({ decision: { service, action: "none" as const, fromTasks: from, toTasks: from, reason, incidentId: incident?.id }, state: st });
  const cooling = state.lastActionAt !== undefined && now - state.lastActionAt < policy.cooldownMs;
  const cooldownLeft = () => Math.ceil((policy.cooldownMs - (now - (state.lastActionAt ?? 0))) / 60_000);
  // The CPU per task restoring treats as safe; above it, a quiet saturation incident still counts as going on.
  const ceiling = policy.restoreMaxCpuPercent ?? 60;

  if (capacity.deploying) return none("a deployment is in progress: no scaling until it completes");
  if (input.maintenance !== undefined) return none(`maintenance window "${input.maintenance}": no scaling until it ends`);

  if (incident && incident.status === "open") {
    if (incident.kind !== "saturation") return none(`incident kind "${incident.kind}": more tasks would not help, alert only`);
    // Raised when a pulse ended: the metrics were back when it was found; more tasks help only if it comes again.
    if (incident.pulseEnd !== undefined && incident.lastAnomalyAt <= incident.pulseEnd) return none("a pulse that is over (its metrics came back): alert only");
    // Quiet: no anomaly for a while. A saturation no scale-out has answered yet (the attempt failed, a deployment or
    // the cooldown held it, or the run that found it caught up on a window) gets the longer horizon.
    // An answered one that is quiet is still acted on while the CPU per task stays above what restoring treats as
    // safe: the detector has learnt the saturation as the new normal, the service is still hot.
    const answered = state.lastActionAt !== undefined && state.lastActionAt >= incident.start;
    const hot = input.cpuPercent !== undefined && input.cpuPercent > ceiling;
    const quiet = now - incident.lastAnomalyAt > input.activeWithinMs;
    const horizon = answered && !hot ? input.activeWithinMs : Math.max(input.activeWithinMs, input.unansweredWithinMs);
    if (now - incident.lastAnomalyAt > horizon) return none("saturation incident is quiet now: holding");
    if (cooling) return none(`in cooldown for ${cooldownLeft()} more min after the last action`);
    if (from >= policy.maxTasks) return none(`already at maxTasks (${policy.maxTasks})`);
    const step = Math.min(policy.maxStep, Math.max(1, Math.ceil(from * 0.5)));
    const to = Math.min(policy.maxTasks, Math.max(policy.minTasks, from + step));
    return {
      decision: {
        service,
        action: "scale-out",
        fromTasks: from,
        toTasks: to,
        reason: `saturation on ${incident.containers.length} container(s)${quiet && answered ? ` still at ${(input.cpuPercent ?? 0).toFixed(0)} % CPU per task (over ${ceiling} %)` : ""}: ${from} → ${to} tasks (max ${policy.maxTasks})`,
        incidentId: incident.id,
      },
      state: { baselineTasks: state.baselineTasks ?? from, lastActionAt: now },
    };
  }

  if (state.baselineTasks === undefined) return none("no open incident");
  const target = Math.min(policy.maxTasks, Math.max(policy.minTasks, state.baselineTasks));
  if (from <= target) return none("task count is back at its baseline", { lastActionAt: state.lastActionAt });
  if (cooling) return none(`incident resolved; restoring ${target} tasks after the cooldown (${cooldownLeft()} min)`);
  if (input.cpuPercent !== undefined && target > 0) {
    const projected = (input.cpuPercent * from) / target;
    if (projected > ceiling) return none(`holding ${from} tasks: CPU would be ${projected.toFixed(0)} % per task at ${target} tasks (limit ${ceiling} %)`);
  }
  return {
    decision: { service, action: "restore", fromTasks: from, toTasks: target, reason: `incident resolved: back to the baseline of ${target} tasks`, incidentId: incident?.id },
    state: { lastActionAt: now },
  };
}
