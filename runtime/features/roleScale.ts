import type { MetricRole } from "../types";

/**
 * The smallest change of a metric of this role that is meaningful, used as a floor for its normalisation
 * scale. Without it a metric that never moved in training (restarts, throttling) would turn any change into
 * an unbounded z-score — the classic "near-constant series" weakness of RCF.
 */
export function minScaleForRole(role: MetricRole): number {
  switch (role) {
    case "restarts":
      return 0.25; // one restart in a step = 4 scale units
    case "throttling":
      return 1; // percentage points
    default:
      return 0; // relative floor (1 % of the mean) applies
  }
}
