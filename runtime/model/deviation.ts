/**
 * Exponentially discounted mean and standard deviation of a stream: each new value has weight 1 and all
 * earlier weights are multiplied by (1 − discount), so the memory is about 1 / discount values.
 *
 * Several values can share one time step: {@link decay} once, then {@link add} each with its share of the
 * step's weight (a step of R replicas adds R values of weight 1/R). {@link update} is one value per step.
 */
export class Deviation {
  weight = 0;
  private sum = 0;
  private sumSq = 0;

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
    const wx = w * x;
    this.weight += w;
    this.sum += wx;
    this.sumSq += wx * x;
  }

  mean(): number {
    return this.weight > 0 ? this.sum / this.weight : 0;
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
    this.sum = mean * weight;
    this.sumSq = (sd * sd + mean * mean) * weight;
  }

  toState(): [number, number, number, number] {
    return [this.discount, this.weight, this.sum, this.sumSq];
  }

  static fromState(s: readonly number[]): Deviation {
    if (!Array.isArray(s) || s.length !== 4 || !s.every(Number.isFinite)) throw new Error(`deviation state must be 4 finite numbers, got ${JSON.stringify(s)}`);
    const d = new Deviation(s[0]);
    d.weight = s[1];
    d.sum = s[2];
    d.sumSq = s[3];
    return d;
  }
}

/** (actual − expected) / spread per metric (spread floored so a constant metric gives finite numbers). */
export function deviationsOf(values: ArrayLike<number>, expected: readonly number[], spread: readonly number[]): number[] {
  return expected.map((e, m) => (values[m] - e) / Math.max(spread[m], 1e-12));
}
