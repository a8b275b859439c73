import type { FeatureSet } from "../features/featureSet";
import type { Anomaly, MetricAttribution } from "../types";
import { activeWindows, type MaintenanceWindow } from "./maintenanceWindows";
import type { ServiceCalendar } from "./serviceCalendar";

/**
 * Operators' rules on what alerts: they never change what the detector learns or scores, only which anomalies
 * count toward an incident and what the alerts carry. The one exception travels with them: per-service calendars
 * (serviceCalendar.ts), which scale load-like metrics before scoring. The same rules run in the detect Lambda,
 * `cad demo` and `cad backtest`. Pure.
 */

/** A metric rule: a change smaller than these, or in the other direction, does not alert. */
export interface MetricRule {
  /** The metric's name in the feature set. */
  readonly metric: string;
  /** Smallest |value − expected| that alerts, in the metric's unit (e.g. 10 for "10 points of CPU %"). */
  readonly minAbsolute?: number;
  /** Smallest |value − expected| / |expected| that alerts (0.2 = 20 %). */
  readonly minRelative?: number;
  /** Only a value above (`up`) or below (`down`) the expected one alerts; `both` (the default) either. */
  readonly direction?: "up" | "down" | "both";
}

/** What the detector does with alerts while the ECS service is deploying. */
export type DeploymentMode = "alert" | "tag" | "hold";

export interface AlertRules {
  readonly metrics: readonly MetricRule[];
  readonly maintenance: readonly MaintenanceWindow[];
  /** `alert` (default): as usual; `tag`: alerts say `deployment`; `hold`: anomalies do not count while deploying. */
  readonly onDeployment: DeploymentMode;
  /**
   * Per-service calendars (weekly profile, holidays): unlike the rules above they shape what the detector expects
   * (load-like metrics are divided by the calendar's level before scoring). Absent or empty: no calendar.
   */
  readonly calendars?: readonly ServiceCalendar[];
}

export const NO_RULES: AlertRules = { metrics: [], maintenance: [], onDeployment: "alert" };

/**
 * An anomaly counts when the metrics the rules do not filter carry at least this share of its score: an anomaly
 * that is mostly a small CPU wobble is not rescued by the few percent of the score its other metrics hold.
 */
export const MIN_KEPT_SHARE = 0.5;

/** The tag an alert carries for a rule: `maintenance:<name>`, `deployment`, `metric:<name>`. */
export const maintenanceTag = (w: MaintenanceWindow): string => `maintenance:${w.name}`;
export const DEPLOYMENT_TAG = "deployment";
export const metricTag = (metric: string): string => `metric:${metric}`;

/** True when `m`'s change is too small or in the ignored direction for `rule`. */
export function filteredByRule(rule: MetricRule, m: Pick<MetricAttribution, "value" | "expected">): boolean {
  const delta = m.value - m.expected;
  if (rule.direction === "up" && !(delta > 0)) return true;
  if (rule.direction === "down" && !(delta < 0)) return true;
  if (rule.minAbsolute !== undefined && Math.abs(delta) < rule.minAbsolute) return true;
  if (rule.minRelative !== undefined) {
    const relative = m.expected === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(delta) / Math.abs(m.expected);
    if (relative < rule.minRelative) return true;
  }
  return false;
}

/**
 * Whether an anomaly still counts under the metric rules, and the metrics whose rules filtered part of it. An
 * anomaly counts when the metrics that pass (or have no rule) carry at least {@link MIN_KEPT_SHARE} of its score.
 */
export function judgeAnomaly(rules: readonly MetricRule[], a: Anomaly): { keep: boolean; filtered: string[] } {
  if (rules.length === 0) return { keep: true, filtered: [] };
  const byMetric = new Map(rules.map((r) => [r.metric, r]));
  let kept = 0;
  const filtered: string[] = [];
  for (const m of a.attribution) {
    const rule = byMetric.get(m.metric);
    if (rule && filteredByRule(rule, m)) filtered.push(m.metric);
    else kept += m.share;
  }
  return { keep: kept >= MIN_KEPT_SHARE, filtered };
}

/** What the rules make of one scored step's anomalies. */
export interface StepJudgement {
  /** The anomalies that count toward incidents. */
  readonly anomalies: readonly Anomaly[];
  /** Anomalies the rules left out (metric rules, a suppressing window, a held deployment). */
  readonly dropped: number;
  /** Those anomalies themselves. */
  readonly droppedAnomalies: readonly Anomaly[];
  /** The tags events of this step carry: every rule that changed what alerts at this step. */
  readonly tags: readonly string[];
  /** The maintenance windows in force (scaling is not done in them). */
  readonly windows: readonly MaintenanceWindow[];
}

/**
 * Applies the rules to a step's anomalies at `timestamp`, with `deploying` the service's deployment state. A
 * suppressing window or a held deployment drops every anomaly of the step (an open incident then sees quiet steps
 * and resolves as usual); a tagging window or `onDeployment: tag` keeps them and tags the step's events.
 */
export function judgeStep(rules: AlertRules, timestamp: number, anomalies: readonly Anomaly[], deploying: boolean): StepJudgement {
  const windows = activeWindows(rules.maintenance, timestamp);
  const tags = new Set<string>(windows.map(maintenanceTag));
  if (deploying && rules.onDeployment !== "alert") tags.add(DEPLOYMENT_TAG);
  const silenced = windows.some((w) => w.mode === "suppress") || (deploying && rules.onDeployment === "hold");
  if (silenced) return { anomalies: [], dropped: anomalies.length, droppedAnomalies: anomalies, tags: [...tags], windows };
  const kept: Anomaly[] = [];
  const dropped: Anomaly[] = [];
  for (const a of anomalies) {
    const { keep, filtered } = judgeAnomaly(rules.metrics, a);
    if (keep) kept.push(a);
    else {
      dropped.push(a);
      for (const m of filtered) tags.add(metricTag(m));
    }
  }
  return { anomalies: kept, dropped: dropped.length, droppedAnomalies: dropped, tags: [...tags], windows };
}

/**
 * The detector alerts once per episode of a container; when the rules dropped that alert (a held deployment, a
 * suppressing window, a metric rule) the episode must still be able to open an incident once its anomalies count
 * again, e.g. a fault that a deployment brought and that outlives it. `held` remembers, by container, the last step
 * of such an episode whose anomalies were dropped; a container anomalous again within `horizonMs` of it (dropped
 * or counted) continues the episode, and its first counted anomaly carries the alert. Returns the step's counted
 * anomalies and the new `held`.
 */
export function releaseHeldAlerts(held: Readonly<Record<string, number>>, judged: StepJudgement, timestamp: number, horizonMs: number): { anomalies: Anomaly[]; held: Record<string, number> } {
  const next: Record<string, number> = {};
  for (const [container, at] of Object.entries(held)) if (timestamp - at <= horizonMs) next[container] = at;
  for (const a of judged.droppedAnomalies) if (a.alert || next[a.container] !== undefined) next[a.container] = timestamp;
  const released = new Set<string>();
  const anomalies = judged.anomalies.map((a) => {
    if (next[a.container] === undefined) return a;
    released.add(a.container);
    return a.alert ? a : { ...a, alert: true };
  });
  return { anomalies, held: Object.fromEntries(Object.entries(next).filter(([container]) => !released.has(container))) };
}

/** Checks that every metric rule names a metric of the feature set (once); throws naming `where` and the rule. */
export function checkRulesAgainst(rules: AlertRules, fs: FeatureSet, where: string): AlertRules {
  const names = fs.metrics.map((m) => m.name);
  const seen = new Set<string>();
  rules.metrics.forEach((r, i) => {
    if (!names.includes(r.metric)) throw new Error(`${where}: metrics[${i}].metric "${r.metric}" is not a metric of the feature set (its metrics: ${names.join(", ")})`);
    if (seen.has(r.metric)) throw new Error(`${where}: metrics[${i}].metric "${r.metric}" has a rule already; give each metric one rule`);
    seen.add(r.metric);
  });
  (rules.calendars ?? []).forEach((c, i) =>
    c.metrics?.forEach((m, j) => {
      if (!names.includes(m)) throw new Error(`${where}: calendars[${i}].metrics[${j}] "${m}" is not a metric of the feature set (its metrics: ${names.join(", ")})`);
    }),
  );
  return rules;
}
