import type { ThresholdedForestOptions } from "./thresholdedForestOptions";

/**
 * The options that decide what a step judged anomalous becomes — confirmed, raised at a pulse's end, a repeat of
 * the incident going on, a recurrence withheld — or raise a young service's fall toward zero, and nothing of what
 * the model is: no forest, statistics, seasonal profile or threshold depends on them for its shape or meaning, and
 * the bookkeeping they use (a replica's recent alerts, pulse edges, anomalous flags) is valid under any of their
 * values.
 *
 * They are the product's rules, not the model's: a detector restored from a saved state (a running service, a
 * trained bundle) takes them from the deployment's profile ({@link withDecisions}), so a new release's rules apply
 * to running services at once, as `cad quality` measured them, while the state learnt under the old ones carries on.
 * Every other option keeps the value the state was saved with.
 */
export const DECISION_OPTIONS = [
  "confirmSteps",
  "confirmWindow",
  "confirmBypassGrade",
  "confirmGrossUntil",
  "grossFaultFallZ",
  "pulseMinSteps",
  "pulseMaxSteps",
  "repeatWindow",
  "repeatEscalation",
  "repeatExtends",
  "repeatNewCause",
  "recurrenceHorizon",
  "recurrenceCount",
  "recurrenceRegular",
  "recurrenceTolerance",
  "recurrencePersist",
] as const satisfies readonly (keyof ThresholdedForestOptions)[];

export type DecisionOptions = Pick<ThresholdedForestOptions, (typeof DECISION_OPTIONS)[number]>;

/** The decision options `profile` sets (an option it leaves out is left out, not defaulted). */
export function decisionsOf(profile: Partial<ThresholdedForestOptions>): DecisionOptions {
  const out: Record<string, unknown> = {};
  for (const k of DECISION_OPTIONS) if (profile[k] !== undefined) out[k] = profile[k];
  return out as DecisionOptions;
}

/**
 * `saved` (a restored detector's options) with the decision options `profile` sets in place of its own; everything
 * else as saved. The result is checked as any options are (`resolveOptions`) by the detector that takes it.
 */
export function withDecisions<O extends ThresholdedForestOptions>(saved: O, profile: Partial<ThresholdedForestOptions> | undefined): O {
  return profile ? { ...saved, ...decisionsOf(profile) } : saved;
}

/** The decision options `profile` sets to another value than `saved` has, as `name old → new` (in DECISION_OPTIONS order). */
export function decisionChanges(saved: Partial<ThresholdedForestOptions>, profile: Partial<ThresholdedForestOptions>): string[] {
  const out: string[] = [];
  for (const k of DECISION_OPTIONS) {
    const next = profile[k];
    if (next !== undefined && next !== saved[k]) out.push(`${k} ${saved[k] === undefined ? "unset" : String(saved[k])} → ${String(next)}`);
  }
  return out;
}
