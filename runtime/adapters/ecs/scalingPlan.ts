/**
 * Pure arithmetic of safe scaling: how far a scale-out may go and what a restore puts back. No I/O, so the
 * safety rules (never above max, bounded step, restore only what we changed) are tested on their own.
 */

/**
 * Limits configured for a service (the detection's ScalingPolicy has this shape). Task bounds are inclusive;
 * `maxStep` and `cooldownMs` override the scaler-wide defaults when set.
 */
export interface ScalingBounds {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Most tasks one scale-out may add above the current desired count. */
  readonly maxStep?: number;
  /** No scale-out within this many ms of the scaler's last change to the service. */
  readonly cooldownMs?: number;
}

/** The capacity setting the scaler changes, as read just before acting. */
export interface CapacitySetting {
  /** `min-capacity`: the Application Auto Scaling target's MinCapacity; `desired-count`: the service's desiredCount. */
  readonly mode: "min-capacity" | "desired-count";
  /** Current value of that setting (tasks). */
  readonly current: number;
  /** The service's current desiredCount (tasks): the step is measured from it. */
  readonly desiredTasks: number;
  /** Lowest value allowed (tasks). */
  readonly floor: number;
  /** Highest value allowed (tasks): MaxCapacity and/or the configured maxTasks, whichever is lower. */
  readonly ceiling: number;
}

/** What the scaler remembers per service between invocations (in the StateStore). */
export interface ScalerRecord {
  readonly format: "cad-scaler/1";
  readonly mode: CapacitySetting["mode"];
  /** True while our raise is in place; false once restored. */
  readonly raised: boolean;
  /** The setting's value before our first raise: what restore puts back (tasks). */
  readonly original: number;
  /** The value we set last (tasks). */
  readonly raisedTo: number;
  readonly incidentId?: string;
  /** Epoch ms of our last change (raise or restore): the cooldown runs from it. */
  readonly lastActionAt: number;
}

export interface ScalingPlan {
  /** False when nothing should be changed. */
  readonly change: boolean;
  /** The value to set (tasks); equals the current value when `change` is false. */
  readonly to: number;
  readonly why: string;
}

const settingName = (mode: CapacitySetting["mode"]): string => (mode === "min-capacity" ? "MinCapacity" : "desiredCount");

/** Checks configured bounds; throws naming the service and the bad field. */
export function checkBounds(service: string, bounds: ScalingBounds, defaultMaxStep: number, defaultCooldownMs: number): void {
  const { minTasks, maxTasks } = bounds;
  const maxStep = bounds.maxStep ?? defaultMaxStep;
  const cooldownMs = bounds.cooldownMs ?? defaultCooldownMs;
  if (!Number.isInteger(minTasks) || minTasks < 0) throw new Error(`scaling bounds of "${service}": minTasks must be an integer >= 0, got ${minTasks}`);
  if (!Number.isInteger(maxTasks) || maxTasks < minTasks) {
    throw new Error(`scaling bounds of "${service}": maxTasks must be an integer >= minTasks (${minTasks}), got ${maxTasks}`);
  }
  if (!Number.isInteger(maxStep) || maxStep < 1) throw new Error(`scaling bounds of "${service}": maxStep must be an integer >= 1, got ${maxStep}`);
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw new Error(`scaling bounds of "${service}": cooldownMs must be a number >= 0, got ${cooldownMs}`);
}

/**
 * How far to scale out towards `requested` tasks: at most `maxStep` above the current desired count, never
 * above the ceiling, never below the floor; no change when the setting is already there or higher.
 */
export function planScaleOut(requested: number, setting: CapacitySetting, maxStep: number): ScalingPlan {
  const name = settingName(setting.mode);
  const limits: string[] = [];
  let to = requested;
  if (to > setting.desiredTasks + maxStep) {
    to = setting.desiredTasks + maxStep;
    limits.push(`max step ${maxStep} from desired ${setting.desiredTasks}`);
  }
  if (to > setting.ceiling) {
    to = setting.ceiling;
    limits.push(`ceiling ${setting.ceiling}`);
  }
  if (to < setting.floor) {
    to = setting.floor;
    limits.push(`floor ${setting.floor}`);
  }
  const clamped = limits.length ? ` (requested ${requested}, limited by ${limits.join(" and ")})` : "";
  if (to <= setting.current) {
    return { change: false, to: setting.current, why: `${name} is already ${setting.current}, at or above the ${to} allowed${clamped}` };
  }
  return { change: true, to, why: `raise ${name} ${setting.current} -> ${to}${clamped}` };
}

/**
 * What restoring puts back: the value before our first raise, kept within today's floor and ceiling — but only
 * if the setting still holds what we set; if someone changed it since, it is left alone.
 */
export function planRestore(record: ScalerRecord | undefined, setting: CapacitySetting): ScalingPlan {
  const name = settingName(setting.mode);
  if (!record?.raised) return { change: false, to: setting.current, why: `nothing to restore: no raise of ${name} is recorded` };
  if (record.mode !== setting.mode) {
    return { change: false, to: setting.current, why: `nothing to restore: the raise was of the ${settingName(record.mode)}, but the service now scales by ${name}` };
  }
  if (setting.current !== record.raisedTo && setting.current === record.original) {
    return { change: false, to: setting.current, why: `${name} is already back at its original ${record.original}` };
  }
  if (setting.current !== record.raisedTo) {
    return {
      change: false,
      to: setting.current,
      why: `${name} is ${setting.current}, not the ${record.raisedTo} we set: changed by someone else since, left alone`,
    };
  }
  const to = Math.min(setting.ceiling, Math.max(setting.floor, record.original));
  const clamped = to !== record.original ? ` (original ${record.original} kept within ${setting.floor}..${setting.ceiling})` : "";
  if (to === setting.current) return { change: false, to, why: `${name} is already ${to}${clamped}` };
  return { change: true, to, why: `restore ${name} ${setting.current} -> ${to}, its value before the raise${clamped}` };
}
