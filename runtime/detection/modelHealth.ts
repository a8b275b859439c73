/**
 * Model health: is the deployed model still describing "normal"? A model trained on last month's traffic
 * flags more and more of today's steps as anomalous; the detect handler publishes these figures per service
 * and an alarm on the anomaly rate says "retrain" long before people stop trusting the alerts.
 */

/** What one service's detect run scored (the handler's ServiceRunSummary satisfies it once it carries `scores`). */
export interface ScoredServiceRun {
  readonly service: string;
  /** Vectors scored in the run. */
  readonly rowsScored: number;
  readonly anomalies: readonly { readonly score: number }[];
  /** Every score of the run, in any order (quantiles need all of them, not only the anomalies). */
  readonly scores?: readonly number[];
}

export interface ModelHealth {
  readonly service: string;
  readonly rowsScored: number;
  readonly anomalies: number;
  /** anomalies / rowsScored, a fraction in [0, 1]; undefined when nothing was scored. */
  readonly anomalyRate?: number;
  /** anomalyRate / expectedRate: 1 = as in training; undefined without both. */
  readonly rateRatio?: number;
  /** Score quantiles of the run (nearest-rank); undefined without scores. */
  readonly scoreQuantiles?: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}

/** One metric datum to publish (CloudWatch EMF: name, unit, value, dimension `service`). */
export interface HealthMetric {
  readonly name: "AnomalyRate" | "ScoreP50" | "ScoreP90" | "ScoreP99" | "ScoreMax";
  readonly service: string;
  readonly value: number;
  /** CloudWatch unit: the rate is a fraction ("None"), scores are unitless. */
  readonly unit: "None";
}

/**
 * Anomaly rate and score quantiles per service of one run.
 *
 * @param expectedRate the anomaly rate the model showed on its own training data (a fraction; with the
 *   mean + 3σ threshold typically 0.005–0.02). Used only for `rateRatio`.
 * @throws Error when a run reports more scores or anomalies than rows, or a non-finite score.
 */
export function modelHealth(runs: readonly ScoredServiceRun[], expectedRate?: number): ModelHealth[] {
  if (expectedRate !== undefined && !(expectedRate > 0 && expectedRate <= 1)) throw new Error(`expectedRate must be a fraction in (0, 1], got ${expectedRate}`);
  return runs.map((r) => {
    if (r.anomalies.length > r.rowsScored) throw new Error(`service "${r.service}": ${r.anomalies.length} anomalies but only ${r.rowsScored} rows scored`);
    if (r.scores && r.scores.length !== r.rowsScored) throw new Error(`service "${r.service}": ${r.scores.length} scores for ${r.rowsScored} rows scored`);
    const anomalyRate = r.rowsScored > 0 ? r.anomalies.length / r.rowsScored : undefined;
    const health: ModelHealth = {
      service: r.service,
      rowsScored: r.rowsScored,
      anomalies: r.anomalies.length,
      ...(anomalyRate !== undefined ? { anomalyRate } : {}),
      ...(anomalyRate !== undefined && expectedRate !== undefined ? { rateRatio: anomalyRate / expectedRate } : {}),
      ...(r.scores && r.scores.length > 0 ? { scoreQuantiles: quantiles(r.scores, r.service) } : {}),
    };
    return health;
  });
}

/** The metrics to publish for `health` (nothing for a service that scored nothing: no data is not a rate of 0). */
export function healthMetrics(health: readonly ModelHealth[]): HealthMetric[] {
  const out: HealthMetric[] = [];
  for (const h of health) {
    if (h.anomalyRate !== undefined) out.push({ name: "AnomalyRate", service: h.service, value: h.anomalyRate, unit: "None" });
    const q = h.scoreQuantiles;
    if (q) {
      out.push({ name: "ScoreP50", service: h.service, value: q.p50, unit: "None" });
      out.push({ name: "ScoreP90", service: h.service, value: q.p90, unit: "None" });
      out.push({ name: "ScoreP99", service: h.service, value: q.p99, unit: "None" });
      out.push({ name: "ScoreMax", service: h.service, value: q.max, unit: "None" });
    }
  }
  return out;
}

/**
 * The anomaly rate a model shows on its own training scores (fraction above `threshold`): the `expectedRate`
 * to compare live rates with. Zero scores give 0.
 */
export function anomalyRateAt(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return 0;
  let above = 0;
  for (const s of scores) if (s > threshold) above++;
  return above / scores.length;
}

function quantiles(scores: readonly number[], service: string): NonNullable<ModelHealth["scoreQuantiles"]> {
  for (const s of scores) if (!Number.isFinite(s)) throw new Error(`service "${service}": score ${s} is not finite`);
  const sorted = [...scores].sort((a, b) => a - b);
  // Nearest rank: the smallest score with at least p of the scores at or below it.
  const q = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1] };
}
