import { Deviation } from "./deviation";

/** How each input metric is transformed before shingling (as ThresholdedRandomCutForest's TransformMethod). */
export type TransformMethod = "none" | "normalize" | "difference" | "normalize_difference" | "subtract_ma";

export const TRANSFORM_METHODS: readonly TransformMethod[] = ["none", "normalize", "difference", "normalize_difference", "subtract_ma"];

export interface PreprocessorState {
  readonly method: TransformMethod;
  readonly inputs: number;
  readonly seen: number;
  readonly previous: number[];
  readonly level: [number, number, number, number][];
  readonly change: [number, number, number, number][];
}

/**
 * Per-metric input transform: maps a raw input vector to the values the forest sees and back. Statistics are
 * discounted (memory ≈ 1/discount points) so the transform follows slow drift. `transform` uses the statistics
 * from before the current value; the caller then calls `update` with the value to learn from (the raw value,
 * or its expected value when the raw one was an anomaly, so one spike does not inflate the scale).
 *
 * The scale used by the normalising methods is floored at `relativeFloor · |mean| + absoluteFloor`, so a
 * near-constant metric does not turn a change in its last digit into many standard deviations.
 */
export class Preprocessor {
  private seen = 0;
  private readonly previous: Float64Array;
  private readonly level: Deviation[];
  private readonly change: Deviation[];

  constructor(
    readonly method: TransformMethod,
    readonly inputs: number,
    discount: number,
    private readonly relativeFloor = 1e-3,
    private readonly absoluteFloor = 1e-9,
    restored?: PreprocessorState,
  ) {
    if (!TRANSFORM_METHODS.includes(method)) throw new Error(`transform must be one of ${TRANSFORM_METHODS.join(", ")}, got "${String(method)}"`);
    this.previous = new Float64Array(inputs);
    this.level = [];
    this.change = [];
    for (let m = 0; m < inputs; m++) {
      this.level.push(restored ? Deviation.fromState(restored.level[m]) : new Deviation(discount));
      this.change.push(restored ? Deviation.fromState(restored.change[m]) : new Deviation(discount));
    }
    if (restored) {
      this.seen = restored.seen;
      this.previous.set(restored.previous);
    }
  }

  /** Writes the transformed values of the raw input `x` into `out` (length `inputs`). */
  transform(x: ArrayLike<number>, out: Float64Array): void {
    for (let m = 0; m < this.inputs; m++) {
      const v = x[m];
      const diff = this.seen > 0 ? v - this.previous[m] : 0;
      switch (this.method) {
        case "none":
          out[m] = v;
          break;
        case "difference":
          out[m] = diff;
          break;
        case "subtract_ma":
          out[m] = this.seen > 0 ? v - this.level[m].mean() : 0;
          break;
        case "normalize":
          out[m] = this.seen > 0 ? (v - this.level[m].mean()) / this.scale(this.level[m]) : 0;
          break;
        case "normalize_difference":
          out[m] = this.seen > 1 ? (diff - this.change[m].mean()) / this.scale(this.change[m], this.level[m]) : 0;
          break;
      }
    }
  }

  /** The raw value of metric `m` whose transform is `y` at the current step (inverse of `transform`). */
  inverse(m: number, y: number): number {
    switch (this.method) {
      case "none":
        return y;
      case "difference":
        return this.previous[m] + y;
      case "subtract_ma":
        return this.level[m].mean() + y;
      case "normalize":
        return this.level[m].mean() + y * this.scale(this.level[m]);
      case "normalize_difference":
        return this.previous[m] + this.change[m].mean() + y * this.scale(this.change[m], this.level[m]);
    }
  }

  /** Learns from the raw values `x` of the current step. */
  update(x: ArrayLike<number>): void {
    for (let m = 0; m < this.inputs; m++) {
      if (this.seen > 0) this.change[m].update(x[m] - this.previous[m]);
      this.level[m].update(x[m]);
      this.previous[m] = x[m];
    }
    this.seen++;
  }

  /** Running standard deviation of metric `m`'s values (0 before two values). */
  deviation(m: number): number {
    return this.level[m].deviation();
  }

  toState(): PreprocessorState {
    return {
      method: this.method,
      inputs: this.inputs,
      seen: this.seen,
      previous: Array.from(this.previous),
      level: this.level.map((d) => d.toState()),
      change: this.change.map((d) => d.toState()),
    };
  }

  static fromState(s: PreprocessorState, relativeFloor?: number, absoluteFloor?: number): Preprocessor {
    if (s.previous?.length !== s.inputs || s.level?.length !== s.inputs || s.change?.length !== s.inputs) {
      throw new Error(`preprocessor state is inconsistent: expected ${s.inputs} entries in previous, level and change`);
    }
    return new Preprocessor(s.method, s.inputs, 0, relativeFloor, absoluteFloor, s);
  }

  /** Scale of a statistic, floored relative to the level of the metric (near-constant metrics). */
  private scale(stat: Deviation, levelStat: Deviation = stat): number {
    return Math.max(stat.deviation(), this.relativeFloor * Math.abs(levelStat.mean()) + this.absoluteFloor);
  }
}
