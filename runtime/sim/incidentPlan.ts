/** The kinds of trouble the simulator can inject, each with its ground-truth window. */
export type InjectedKind = "load-spike" | "memory-leak" | "cpu-throttling" | "network-drop" | "crash-loop";

export interface InjectedIncident {
  readonly kind: InjectedKind;
  /** Epoch ms of the first affected minute. */
  readonly start: number;
  /** Epoch ms just after the last affected minute. */
  readonly end: number;
  /** Index of the affected task for single-container incidents (the whole service for `load-spike`). */
  readonly task?: number;
  readonly description: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * The default plan: a quiet first day (for training), then one incident of each kind spread over the
 * following days at different times of day. With fewer than 3 days the incidents are packed into day 2.
 */
export function defaultIncidentPlan(startMs: number, days: number, tasks: number): InjectedIncident[] {
  if (days < 2) return [];
  const t = (day: number, hour: number) => startMs + day * DAY + hour * HOUR;
  const spread = days >= 3;
  const at = (dayIfSpread: number, hourIfSpread: number, hourIfPacked: number) => (spread ? t(dayIfSpread, hourIfSpread) : t(1, hourIfPacked));
  const pick = (i: number) => i % Math.max(1, tasks);
  const plan: [InjectedKind, number, number, number | undefined, string][] = [
    // A traffic spike only saturates at a busy hour: doubled night traffic looks like an ordinary afternoon.
    ["load-spike", at(1, 10, 13), 60, undefined, "traffic ×2.2 on the whole service (saturation)"],
    ["memory-leak", at(1, 16, 2), 150, pick(1), "memory grows 4 MiB/min in one container"],
    ["cpu-throttling", at(2, 3, 7), 45, pick(2), "noisy neighbour: one container throttled 25–40 %"],
    ["network-drop", at(2, 9, 17), 30, pick(3), "one container loses 90 % of its traffic, latency up"],
    ["crash-loop", at(2, 14, 21), 40, pick(4), "one container restarts every 3 minutes"],
  ];
  return plan.map(([kind, start, minutes, task, description]) => ({ kind, start, end: start + minutes * MIN, task, description }));
}
