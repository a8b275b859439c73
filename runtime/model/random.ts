/**
 * Seeded pseudo-random numbers (mulberry32): small, fast, and the same sequence on every platform,
 * so that a seed reproduces a forest exactly. State is a single uint32, which makes it serialisable.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`random seed must be a finite number, got ${String(seed)}`);
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The generator's state, for `toState()` of models that keep drawing after a restore. */
  getState(): number {
    return this.state;
  }

  static fromState(state: number): Random {
    const r = new Random(0);
    r.state = state >>> 0;
    return r;
  }
}
