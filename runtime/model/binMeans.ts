import { ringTail } from "./ringTail";

/** A bin being filled: its number, and the sum and count of its values so far. */
export interface OpenBin {
  readonly bin: number;
  readonly sum: number;
  readonly count: number;
}

/** The saved state of a {@link BinMeans} (its owner validates it, naming its own fields). */
export interface BinMeansState {
  /** Mean values of the last closed bins (at most the capacity), oldest first. */
  readonly bins: Float32Array;
  /** Number of the bin being filled. */
  readonly open: number;
  readonly openSum: number;
  readonly openCount: number;
}

/**
 * Means of consecutive bins of steps, as the seasonal view's long-cycle finder (LongCycle) and a week held in bins
 * (CoarseMultiple) keep them: the bin being filled, and the means of the last `capacity` closed bins in a ring
 * (float32, as saved). A bin that got no value is not held: the bins held are those that got values, in order.
 */
export class BinMeans {
  private readonly ring: Float32Array;
  private closed = 0;
  private open: number;
  private openSum = 0;
  private openCount = 0;

  constructor(capacity: number, open: number) {
    this.ring = new Float32Array(capacity);
    this.open = open;
  }

  /** Starts from bins already held (`held`, oldest first, its last `capacity` kept) and an open bin's values so far. */
  static from(capacity: number, held: Float64Array | Float32Array, open: OpenBin): BinMeans {
    const b = new BinMeans(capacity, open.bin);
    const kept = held.subarray(Math.max(0, held.length - capacity));
    b.ring.set(kept);
    b.closed = kept.length;
    b.openSum = open.sum;
    b.openCount = open.count;
    return b;
  }

  static fromState(capacity: number, s: BinMeansState): BinMeans {
    return BinMeans.from(capacity, s.bins, { bin: s.open, sum: s.openSum, count: s.openCount });
  }

  /** Adds `x` to bin `bin`, closing the open bin first when `bin` is another one. Returns whether it was. */
  add(bin: number, x: number): boolean {
    const moved = bin !== this.open;
    if (moved) {
      if (this.openCount > 0) {
        this.ring[this.closed % this.ring.length] = this.openSum / this.openCount;
        this.closed++;
      }
      this.open = bin;
      this.openSum = 0;
      this.openCount = 0;
    }
    this.openSum += x;
    this.openCount++;
    return moved;
  }

  /** The number of the bin being filled (the bins held end just before it, or before a bin that got no value). */
  openBin(): number {
    return this.open;
  }

  openPart(): OpenBin {
    return { bin: this.open, sum: this.openSum, count: this.openCount };
  }

  /** Bins closed with values since the start (the ring holds the last `capacity` of them). */
  closedCount(): number {
    return this.closed;
  }

  /** The closed bins held, oldest first. */
  held(): Float64Array {
    return ringTail(this.ring, this.closed);
  }

  toState(): BinMeansState {
    return { bins: Float32Array.from(this.held()), open: this.open, openSum: this.openSum, openCount: this.openCount };
  }
}
