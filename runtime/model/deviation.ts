/**
 * Exponentially discounted mean and standard deviation of a stream: each new value has weight 1 and all
 * earlier weights are multiplied by (1 − discount), so the memory is about 1 / discount values.
 */
export class Deviation {
  weight = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(readonly discount: number) {
    if (!(discount >= 0 && discount < 1)) throw new Error(`discount must be in [0, 1), got ${discount}`);
  }

  update(x: number): void {
    const keep = 1 - this.discount;
    this.weight = this.weight * keep + 1;
    this.sum = this.sum * keep + x;
    this.sumSq = this.sumSq * keep + x * x;
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
