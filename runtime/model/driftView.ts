import { Deviation, type DeviationState } from "./deviation";

export interface DriftViewOptions {
  readonly inputs: number;
  /** Smoothing span of each metric's level, in steps. */
  readonly span: number;
  /** Memory of the level's long-run statistics, as a discount per step (the forest's time decay). */
  readonly discount: number;
  /** Alert when the smoothed level lies more than this many of its long-run standard deviations from its long-run mean. */
  readonly zFactor: number;
}

export interface DriftViewState {
  /** Steps seen. */
  readonly steps: number;
  /** The last step at which a level was beyond the limit (−1: never). */
  readonly lastOff: number;
  /** Per metric, the smoothed level. */
  readonly levels: number[];
  /** Per metric, the long-run statistics of the smoothed level (Deviation states). */
  readonly stats: DeviationState[];
  /** Per metric, the long-run statistics of the raw values (Deviation states). */
  readonly raw: DeviationState[];
}

/** A smoothed level's scale is floored at this fraction of its mean's magnitude (a near-constant metric). */
const RELATIVE_FLOOR = 0.01;
/** The long-run statistics learn each level clipped to this many spreads from their mean. */
const LEARN_CLIP = 2;
/** A raw value enters the smoothed level clipped to this many of the raw values' spreads from their mean. */
const VALUE_CLIP = 3;

/**
 * The drift view: catches what a shingle of a few steps cannot see, a metric creeping over hours or days to a
 * level it has not held within the model's memory (a memory leak, a temperature rising before a failure). Each
 * metric's level is smoothed over `span` steps from its values clipped to three of their own long-run spreads
 * (so noise and spikes, which the forest judges, barely move it, while a creep moves every value a little), and the smoothed level is compared with its own long-run mean and spread (memory ≈ 1 / discount
 * steps, like the forest's sample). The long-run statistics learn each level clipped to two spreads from their
 * mean, so a ramp cannot widen them as fast as it climbs (unclipped, a linear creep stays within about
 * √(3 · memory / steps) spreads of them forever); a lasting shift is taken in over about one memory. The
 * smoothed level's spread is at least the one smoothing gives noise of the raw values' spread (raw spread /
 * √(2 · span − 1)): a metric that sits still but for rare blips has a level spread near zero, and without that
 * floor one blip, however clipped, moved its level millions of such spreads (most of smd-dev's false drift
 * onsets). A level beyond `zFactor` spreads starts a drift episode, which lasts until the level has been back
 * inside for `quietGap` steps or a quarter of the memory, whichever is longer (a shift taken in over a memory
 * hovers about the limit for that long); only its first step is graded (1/2 at the limit, 1 at twice it), so a
 * creep of hundreds of steps, or a lasting level shift while the statistics take it in, alerts once. Daily
 * cycles widen the spread, so they stay inside it.
 */
export class DriftView {
  readonly options: DriftViewOptions;
  private steps: number;
  private lastOff: number;
  private readonly levels: Float64Array;
  private readonly stats: Deviation[];
  private readonly raw: Deviation[];
  private readonly zs: Float64Array;

  constructor(options: DriftViewOptions, restored?: DriftViewState) {
    if (!Number.isInteger(options.inputs) || options.inputs < 1) throw new Error(`inputs must be a positive integer, got ${options.inputs}`);
    if (!(options.span >= 1)) throw new Error(`drift span must be >= 1, got ${options.span}`);
    if (!(options.zFactor > 0)) throw new Error(`drift zFactor must be > 0, got ${options.zFactor}`);
    this.options = { ...options };
    const n = options.inputs;
    if (restored && (restored.levels.length !== n || restored.stats.length !== n || restored.raw.length !== n)) {
      throw new Error(`drift view state: expected ${n} levels and statistics, got ${restored.levels.length}, ${restored.stats.length} and ${restored.raw.length}`);
    }
    this.steps = restored?.steps ?? 0;
    this.lastOff = restored?.lastOff ?? -1;
    this.levels = Float64Array.from(restored?.levels ?? new Array<number>(n).fill(0));
    this.stats = restored ? restored.stats.map((s) => Deviation.fromState(s)) : Array.from({ length: n }, () => new Deviation(options.discount));
    this.raw = restored ? restored.raw.map((s) => Deviation.fromState(s)) : Array.from({ length: n }, () => new Deviation(options.discount));
    this.zs = new Float64Array(n);
  }

  /**
   * Judges the raw values of the next step, then learns from them. Returns the grade of a drift episode's first
   * step (in [1/2, 1]), else 0. Nothing is judged before `warmup` steps, four spans and a quarter of the memory:
   * a bursty or sparse series needs that long before its smoothed level's spread means anything (on nab-dev's
   * load-balancer spikes, judging from step 128 raised five false alerts).
   */
  process(values: ArrayLike<number>, warmup: number, quietGap: number): number {
    const { span, zFactor } = this.options;
    // A quarter of the statistics' memory (1 / discount steps): when judging starts, and how long a level must be
    // back inside before an episode ends.
    const quarterMemory = 0.25 / Math.max(this.options.discount, 1e-9);
    const judging = this.steps >= Math.max(warmup, 4 * span, quarterMemory);
    let worst = 0;
    for (let m = 0; m < this.levels.length; m++) {
      const raw = this.raw[m];
      const rawMean = raw.mean();
      const rawSd = raw.deviation();
      const x = judging ? Math.min(rawMean + VALUE_CLIP * rawSd, Math.max(rawMean - VALUE_CLIP * rawSd, values[m])) : values[m];
      raw.update(values[m]);
      const level = this.steps === 0 ? x : this.levels[m] + (x - this.levels[m]) / span;
      this.levels[m] = level;
      const stat = this.stats[m];
      const mean = stat.mean();
      const sd = Math.max(stat.deviation(), RELATIVE_FLOOR * Math.abs(mean), rawSd / Math.sqrt(2 * span - 1), 1e-12);
      this.zs[m] = judging ? (level - mean) / sd : 0;
      worst = Math.max(worst, Math.abs(this.zs[m]));
      stat.update(judging ? Math.min(mean + LEARN_CLIP * sd, Math.max(mean - LEARN_CLIP * sd, level)) : level);
    }
    const step = this.steps++;
    if (!(worst > zFactor)) return 0;
    const onset = this.lastOff < 0 || step - this.lastOff > Math.max(quietGap, quarterMemory);
    this.lastOff = step;
    return onset ? Math.min(1, 0.5 * (worst / zFactor)) : 0;
  }

  /** Metric m's long-run level: what the drift view expected. */
  expected(m: number): number {
    return this.stats[m].mean();
  }

  /** Metric m's smoothed level at the last step, in long-run standard deviations from its long-run mean. */
  z(m: number): number {
    return Math.abs(this.zs[m]);
  }

  toState(): DriftViewState {
    return { steps: this.steps, lastOff: this.lastOff, levels: Array.from(this.levels), stats: this.stats.map((s) => s.toState()), raw: this.raw.map((s) => s.toState()) };
  }
}
