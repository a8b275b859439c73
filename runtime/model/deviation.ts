/** A {@link Deviation}'s state: discount, weight, sum and sum of squares of the values less the reference, and the reference (0 when left out). */
export type DeviationState = [number, number, number, number] | [number, number, number, number, number];

/**
 * Exponentially discounted mean and standard deviation of a stream: each new value has weight 1 and all
 * earlier weights are multiplied by (1 − discount), so the memory is about 1 / discount values.
 *
 * Several values can share one time step: {@link decay} once, then {@link add} each with its share of the
 * step's weight (a step of R replicas adds R values of weight 1/R). {@link update} is one value per step.
 *
 * The sums hold each value's distance from a reference, the first value seen (as the shifted-data algorithm for
 * the variance does), not the value itself: a metric that holds one value, whatever it is, has a mean of exactly
 * that value, a deviation of exactly 0, and each of its steps lies exactly 0 from the mean ({@link offset}). With
 * plain sums a constant 10,000 had a mean some 10^-12 off, and that rounding, divided by a constant metric's
 * scale, reached the forest as distinct points (docs/quality.md, session 51).
 */
export class Deviation {
  weight = 0;
  private sum = 0;
  private sumSq = 0;
  private ref = 0;

  constructor(readonly discount: number) {
    if (!(discount >= 0 && discount < 1)) throw new Error(`discount must be in [0, 1), got ${discount}`);
  }

  /** One value that is a whole step: decay, then add it with weight 1. */
  update(x: number): void {
    this.decay();
    this.add(x, 1);
  }

  /** Ages every value seen so far by one step. */
  decay(): void {
    const keep = 1 - this.discount;
    this.weight *= keep;
    this.sum *= keep;
    this.sumSq *= keep;
  }

  /** Adds `x` with weight `w` (no decay). */
  add(x: number, w: number): void {
    if (this.weight === 0 && this.sum === 0 && this.sumSq === 0) this.ref = x;
    const d = x - this.ref;
    const wx = w * d;
    this.weight += w;
    this.sum += wx;
    this.sumSq += wx * d;
  }

  mean(): number {
    return this.weight > 0 ? this.ref + this.sum / this.weight : 0;
  }

  /** `x` less the mean, taken from the reference so that a value equal to every value seen is exactly 0 off. */
  offset(x: number): number {
    return this.weight > 0 ? x - this.ref - this.sum / this.weight : x;
  }

  /** The value `y` away from the mean (inverse of {@link offset}): the mean itself, exactly, at 0 when every value was one. */
  fromOffset(y: number): number {
    return this.weight > 0 ? this.ref + (this.sum / this.weight + y) : y;
  }

  /** Population standard deviation (0 before two values). */
  deviation(): number {
    if (this.weight <= 0) return 0;
    const m = this.sum / this.weight;
    const v = this.sumSq / this.weight - m * m;
    return v > 0 ? Math.sqrt(v) : 0;
  }

  /** Sets the statistics to `weight` values of mean `mean` and standard deviation `sd` (a calibration). */
  calibrate(mean: number, sd: number, weight: number): void {
    if (!Number.isFinite(mean) || !(sd >= 0) || !Number.isFinite(sd) || !(weight > 0) || !Number.isFinite(weight)) {
      throw new Error(`calibration needs a finite mean, a finite sd >= 0 and a weight > 0, got ${mean}, ${sd}, ${weight}`);
    }
    this.weight = weight;
    this.ref = mean;
    this.sum = 0;
    this.sumSq = sd * sd * weight;
  }

  /** The state; the reference only when it is not 0 (a state without one reads as reference 0, as states were written before there was one). */
  toState(): DeviationState {
    return this.ref === 0 ? [this.discount, this.weight, this.sum, this.sumSq] : [this.discount, this.weight, this.sum, this.sumSq, this.ref];
  }

  static fromState(s: readonly number[]): Deviation {
    if (!Array.isArray(s) || (s.length !== 4 && s.length !== 5) || !s.every(Number.isFinite)) throw new Error(`deviation state must be 4 or 5 finite numbers, got ${JSON.stringify(s)}`);
    const d = new Deviation(s[0]);
    d.weight = s[1];
    d.sum = s[2];
    d.sumSq = s[3];
    d.ref = s[4] ?? 0;
    return d;
  }
}

/** (actual − expected) / spread per metric (spread floored so a constant metric gives finite numbers). */
export function deviationsOf(values: ArrayLike<number>, expected: readonly number[], spread: readonly number[]): number[] {
  return expected.map((e, m) => (values[m] - e) / Math.max(spread[m], 1e-12));
}
