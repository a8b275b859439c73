import { Deviation, type DeviationState } from "./deviation";

/** How each input metric is transformed before shingling (as ThresholdedRandomCutForest's TransformMethod). */
export type TransformMethod = "none" | "normalize" | "difference" | "normalize_difference" | "subtract_ma";

export const TRANSFORM_METHODS: readonly TransformMethod[] = ["none", "normalize", "difference", "normalize_difference", "subtract_ma"];

/** What the preprocessor keeps per series (per replica): its last raw values, for the differencing transforms. */
export interface SeriesInputs {
  /** Raw values of the series' previous step (length `inputs`). */
  readonly previous: Float64Array;
  /** Steps of this series learnt so far. */
  seen: number;
}

export interface PreprocessorState {
  readonly method: TransformMethod;
  readonly inputs: number;
  /** Steps learnt (a step may hold several series' values). */
  readonly seen: number;
  readonly level: DeviationState[];
  readonly change: DeviationState[];
  /** The long-run statistics of each metric's values, when the spread has a longer memory (see {@link Preprocessor.deviation}). */
  readonly longLevel?: DeviationState[];
  /** The same for each metric's step-to-step changes. */
  readonly longChange?: DeviationState[];
}

/** How a metric's spread is measured (see {@link Preprocessor.spread}). */
export interface SpreadOptions {
  /** Discount of the spread's longer memory (0: the statistics' own memory only). */
  readonly discount: number;
  /** Whether the spread is at most the spread of the metric's step-to-step changes. */
  readonly fromChanges: boolean;
}

/** A fresh {@link SeriesInputs} for `inputs` metrics. */
export const newSeriesInputs = (inputs: number): SeriesInputs => ({ previous: new Float64Array(inputs), seen: 0 });

/**
 * The least scale a metric's values or changes are normalised by: a constant metric's deviation is 0. Until
 * 2026-12-05 (session 50) the floor also held 10^-3 of the metric's running mean, so that a near-constant metric
 * would not turn a change in its last digit into many deviations; that made where a metric's zero lies decide how
 * far it may move unseen (10 units at a level of 10,000: kpi-dev with 10,000 added to every value scored 35.9
 * against 49.9, docs/quality.md). A change in the last digits of a constant metric is now left to the near rule's
 * float tolerance (thresholdedForest.ts, FLOAT_TOLERANCE), which holds a step within 10^-6 of its expected value,
 * relatively, to be on it.
 */
export const SCALE_FLOOR = 1e-9;

/**
 * Per-metric input transform: maps a raw input vector to the values the forest sees and back. Statistics are
 * discounted (memory ≈ 1/discount steps) so the transform follows slow drift, and shared by every series fed to
 * it (the replicas of one container: one notion of normal); a series only brings its own previous values.
 * `transform` uses the statistics from before the current step; the caller then calls `updateStep` with the
 * values of every series of the step.
 *
 * The scale used by the normalising methods is floored at {@link SCALE_FLOOR} only, never at a fraction of the
 * metric's level: the scale does not depend on where a metric's zero lies (see SCALE_FLOOR).
 */
export class Preprocessor {
  private seen = 0;
  private readonly level: Deviation[];
  private readonly change: Deviation[];
  /** Per metric, the values' and the changes' statistics over the spread's longer memory (empty when it has none). */
  private readonly longLevel: Deviation[];
  private readonly longChange: Deviation[];
  private readonly scratch: Float64Array;

  constructor(
    readonly method: TransformMethod,
    readonly inputs: number,
    discount: number,
    restored?: PreprocessorState,
    private readonly spreadOptions: SpreadOptions = { discount: 0, fromChanges: false },
  ) {
    if (!TRANSFORM_METHODS.includes(method)) throw new Error(`transform must be one of ${TRANSFORM_METHODS.join(", ")}, got "${String(method)}"`);
    this.level = [];
    this.change = [];
    this.scratch = new Float64Array(inputs);
    for (let m = 0; m < inputs; m++) {
      this.level.push(restored ? Deviation.fromState(restored.level[m]) : new Deviation(discount));
      this.change.push(restored ? Deviation.fromState(restored.change[m]) : new Deviation(discount));
    }
    if (restored) this.seen = restored.seen;
    const d = spreadOptions.discount;
    if (!(d >= 0 && d < 1)) throw new Error(`the spread's discount must be in [0, 1), got ${d}`);
    this.longLevel = d > 0 ? longRun(this.level, restored?.longLevel, d, "longLevel") : [];
    this.longChange = d > 0 ? longRun(this.change, restored?.longChange, d, "longChange") : [];
  }

  /** Writes the transformed values of the raw input `x` of series `s` into `out` (length `inputs`). */
  transform(x: ArrayLike<number>, out: Float64Array, s: SeriesInputs): void {
    for (let m = 0; m < this.inputs; m++) {
      const v = x[m];
      const diff = s.seen > 0 ? v - s.previous[m] : 0;
      switch (this.method) {
        case "none":
          out[m] = v;
          break;
        case "difference":
          out[m] = diff;
          break;
        case "subtract_ma":
          out[m] = this.seen > 0 ? this.level[m].offset(v) : 0;
          break;
        case "normalize":
          out[m] = this.seen > 0 ? this.level[m].offset(v) / this.scale(this.level[m]) : 0;
          break;
        case "normalize_difference":
          out[m] = this.normalisedChange(m, v, s, 1);
          break;
      }
    }
  }

  /**
   * Writes each metric's step-to-step change of series `s`, normalised by the running mean and deviation of the
   * metric's changes and multiplied by `weight` (0 before the series' second step), into `out` from `offset` on.
   */
  changes(x: ArrayLike<number>, out: Float64Array, offset: number, s: SeriesInputs, weight = 1): void {
    for (let m = 0; m < this.inputs; m++) out[offset + m] = this.normalisedChange(m, x[m], s, weight);
  }

  /**
   * The sign of each metric's change from series `s`'s previous values to `x` where it lies at least `z` of its
   * changes' running deviations from their mean (0 where it does not, and before a series' or the model's second
   * step), into `out`.
   */
  sharpChanges(x: ArrayLike<number>, z: number, out: Int8Array, s: SeriesInputs): void {
    for (let m = 0; m < this.inputs; m++) {
      const c = this.normalisedChange(m, x[m], s, 1);
      out[m] = c >= z ? 1 : c <= -z ? -1 : 0;
    }
  }

  /** Metric `m`'s change from series `s`'s previous value to `v`, in its changes' running deviations from their mean, times `weight`. */
  private normalisedChange(m: number, v: number, s: SeriesInputs, weight: number): number {
    return this.seen > 1 && s.seen > 0 ? (weight * this.change[m].offset(v - s.previous[m])) / this.scale(this.change[m]) : 0;
  }

  /** The raw value of metric `m` of series `s` whose transform is `y` at the current step (inverse of `transform`). */
  inverse(m: number, y: number, s: SeriesInputs): number {
    switch (this.method) {
      case "none":
        return y;
      case "difference":
        return s.previous[m] + y;
      case "subtract_ma":
        return this.level[m].fromOffset(y);
      case "normalize":
        return this.level[m].fromOffset(y * this.scale(this.level[m]));
      case "normalize_difference":
        return s.previous[m] + this.change[m].fromOffset(y * this.scale(this.change[m]));
    }
  }

  /**
   * The typical value of metric `m` for series `s` at the current step: the running level for the level
   * transforms, the previous value moved by the usual change for the differencing ones.
   */
  typical(m: number, s: SeriesInputs): number {
    if ((this.method === "difference" || this.method === "normalize_difference") && s.seen > 0) return s.previous[m] + this.change[m].mean();
    return this.level[m].mean();
  }

  /** Learns the raw values `x` of one series as a whole step (the single-series case of {@link updateStep}). */
  update(x: ArrayLike<number>, s: SeriesInputs): void {
    this.updateStep([x], [s]);
  }

  /**
   * Learns one step: `values[i]` are the raw values of series `series[i]`. Statistics age once per step; each
   * series' value enters with weight 1 / (number of series), so a step weighs the same however many replicas
   * reported. Each series then remembers its values as its previous ones.
   */
  updateStep(values: readonly ArrayLike<number>[], series: readonly SeriesInputs[]): void {
    const n = values.length;
    if (n === 0) return;
    if (series.length !== n) throw new Error(`updateStep: ${n} value rows for ${series.length} series`);
    const w = 1 / n;
    let withPrevious = 0;
    for (const s of series) if (s.seen > 0) withPrevious++;
    for (let m = 0; m < this.inputs; m++) {
      if (withPrevious > 0) {
        const wc = 1 / withPrevious;
        for (const c of this.longChange.length ? [this.change[m], this.longChange[m]] : [this.change[m]]) {
          c.decay();
          for (let i = 0; i < n; i++) if (series[i].seen > 0) c.add(values[i][m] - series[i].previous[m], wc);
        }
      }
      this.level[m].decay();
      for (let i = 0; i < n; i++) this.level[m].add(values[i][m], w);
      const long = this.longLevel[m];
      if (long) {
        long.decay();
        for (let i = 0; i < n; i++) long.add(values[i][m], w);
      }
    }
    for (let i = 0; i < n; i++) {
      const s = series[i];
      const x = values[i];
      for (let m = 0; m < this.inputs; m++) this.scratch[m] = x[m];
      s.previous.set(this.scratch);
      s.seen++;
    }
    this.seen++;
  }

  /**
   * The running standard deviation of metric `m`'s values (0 before two values) or, with a longer memory for the
   * spread, the larger of that and the standard deviation over the longer memory. A metric that sits at zero for
   * days between small spikes keeps the spikes' size in it, so another such spike is near its expected value while
   * one far larger is not.
   */
  deviation(m: number): number {
    return longest(this.level[m], this.longLevel[m]);
  }

  /**
   * The spread of metric `m`, by which a value's distance from its expected value is judged: its {@link deviation},
   * or with `fromChanges` the smaller of that and the same measure of its step-to-step changes. A smooth metric
   * (a daily curve, a slow ramp) changes little from step to step however wide its range, so a bend of a few usual
   * changes is far from expected; for a noisy metric the changes' spread is larger than the values' and nothing
   * changes.
   */
  spread(m: number): number {
    const level = this.deviation(m);
    return this.spreadOptions.fromChanges ? Math.min(level, longest(this.change[m], this.longChange[m])) : level;
  }

  /** Running mean of metric `m`'s values. */
  mean(m: number): number {
    return this.level[m].mean();
  }

  /** Steps learnt so far. */
  steps(): number {
    return this.seen;
  }

  toState(): PreprocessorState {
    return {
      method: this.method,
      inputs: this.inputs,
      seen: this.seen,
      level: this.level.map((d) => d.toState()),
      change: this.change.map((d) => d.toState()),
      ...(this.longLevel.length ? { longLevel: this.longLevel.map((d) => d.toState()), longChange: this.longChange.map((d) => d.toState()) } : {}),
    };
  }

  /**
   * Restores a preprocessor. With a spread discount > 0 the spread has a longer memory: the state's long-run
   * statistics, or, in a state written before there were any, statistics started from the recent ones. With 0 the
   * state's long-run statistics are dropped.
   */
  static fromState(s: PreprocessorState, spread?: SpreadOptions): Preprocessor {
    if (s.level?.length !== s.inputs || s.change?.length !== s.inputs) {
      throw new Error(`preprocessor state is inconsistent: expected ${s.inputs} entries in level and change`);
    }
    return new Preprocessor(s.method, s.inputs, 0, s, spread);
  }

  /** Scale of a statistic: its deviation, at least {@link SCALE_FLOOR} (a constant metric). */
  private scale(stat: Deviation): number {
    return Math.max(stat.deviation(), SCALE_FLOOR);
  }
}

/** The larger of a recent and a long-run standard deviation (the recent one alone without a long-run one). */
function longest(recent: Deviation, long: Deviation | undefined): number {
  const r = recent.deviation();
  return long ? Math.max(r, long.deviation()) : r;
}

/**
 * Long-run statistics (discount `discount`) beside `recent`: restored from `state` when it has them, else started
 * from the recent ones (their mean, spread and weight), as for a state written before there were any.
 */
function longRun(recent: readonly Deviation[], state: readonly (readonly number[])[] | undefined, discount: number, name: string): Deviation[] {
  if (state) {
    if (state.length !== recent.length) throw new Error(`preprocessor state is inconsistent: expected ${recent.length} entries in ${name}`);
    return state.map((d) => Deviation.fromState(d));
  }
  return recent.map((d) => {
    const long = new Deviation(discount);
    if (d.weight > 0) long.calibrate(d.mean(), d.deviation(), d.weight);
    return long;
  });
}
