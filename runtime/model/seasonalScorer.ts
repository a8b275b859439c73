import { SeasonalProfile, type SeasonalProfileOptions, type SeasonalProfileState } from "./seasonalProfile";

export interface SeasonalScorerOptions {
  /** Number of input metrics per step. */
  readonly inputs: number;
  /**
   * Longest period looked for step by step, in steps (state grows by about 3 · maxPeriod numbers per metric; with
   * multiples, by about 1,000 more for the long-cycle finder's bins).
   */
  readonly maxPeriod: number;
  /** Shorter periods are left to the forest. */
  readonly minPeriod: number;
  /** Alert when a metric's smoothed residual exceeds this many of its recent root mean squares. */
  readonly zFactor: number;
  /** Also try whole multiples of a metric's cycle up to maxPeriod (a week of a daily cycle; SeasonalProfileOptions.multiples). */
  readonly multiples?: boolean;
}

export interface SeasonalScorerState {
  readonly profiles: SeasonalProfileState[];
}

/**
 * The seasonal view of a multivariate stream: one {@link SeasonalProfile} per metric, each finding (or not)
 * its own period. A step's seasonal grade is the largest grade of its metrics, each judged against zFactor + ln m
 * with m metrics on a cycle; metrics without a period never raise one. After `process`, `expected(m)` and `z(m)`
 * describe metric m at that step.
 */
export class SeasonalScorer {
  readonly options: SeasonalScorerOptions;
  private readonly profiles: SeasonalProfile[];
  private readonly expectedValues: Float64Array;
  private readonly zs: Float64Array;
  private readonly onProfiles: boolean[];
  private readonly tolerances: Float64Array;
  private readonly hasExpected: boolean[];

  constructor(options: SeasonalScorerOptions, restored?: SeasonalProfile[]) {
    if (!Number.isInteger(options.inputs) || options.inputs < 1) throw new Error(`inputs must be a positive integer, got ${options.inputs}`);
    this.options = { ...options };
    const profileOptions = SeasonalScorer.profileOptions(options);
    this.profiles = restored ?? Array.from({ length: options.inputs }, () => new SeasonalProfile(profileOptions));
    this.expectedValues = new Float64Array(options.inputs);
    this.zs = new Float64Array(options.inputs);
    this.onProfiles = new Array<boolean>(options.inputs).fill(false);
    this.tolerances = new Float64Array(options.inputs);
    this.hasExpected = new Array<boolean>(options.inputs).fill(false);
  }

  /** Judges the raw values of the next step, then learns from them; returns the seasonal grade in [0, 1). */
  process(values: ArrayLike<number>): number {
    let grade = 0;
    // The step's grade is the largest of its metrics': with m metrics on a cycle, m chances at a false one. The bar
    // rises by ln m, which keeps one metric's chance if its smoothed residual's tail beyond the bar falls by e per
    // root mean square (jumpstarter-dev +0.010 onset F1 at two of six seeds, the others the same; docs/quality.md,
    // session 59).
    let locked = 0;
    for (const p of this.profiles) if (p.currentPeriod() > 0) locked++;
    const zFactor = this.options.zFactor + Math.log(Math.max(1, locked));
    for (let m = 0; m < this.profiles.length; m++) {
      const v = this.profiles[m].process(values[m], zFactor);
      this.expectedValues[m] = v.expected ?? values[m];
      this.hasExpected[m] = v.expected !== null;
      this.zs[m] = v.z;
      this.onProfiles[m] = v.onProfile;
      this.tolerances[m] = v.tolerance;
      grade = Math.max(grade, v.grade);
    }
    return grade;
  }

  /** A step without values (a gap in the data): every metric's cycle moves on a step (see SeasonalProfile.skip). */
  skip(): void {
    for (const p of this.profiles) p.skip();
  }

  /** Metric m's value on its profile at the last step (its own value when it has no period). */
  expected(m: number): number {
    return this.expectedValues[m];
  }

  /** Metric m's smoothed residual at the last step, in its recent root mean squares (0 without a period). */
  z(m: number): number {
    return this.zs[m];
  }

  /** Whether metric m's value at the last step lay on its profile (false when it has no period yet). */
  onProfile(m: number): boolean {
    return this.onProfiles[m];
  }

  /**
   * Whether `value` would lie on metric m's profile at the last step (the test `onProfile` applied to the value
   * processed): a replica's own value judged against the profile its group learns from.
   */
  onProfileValue(m: number, value: number): boolean {
    const tol = this.tolerances[m];
    return tol >= 0 && Math.abs(value - this.expectedValues[m]) <= tol;
  }

  /** Whether metric m has a profile value for the last step (a locked period). */
  hasProfile(m: number): boolean {
    return this.hasExpected[m];
  }

  /** The period of each metric in steps (0 = none). */
  periods(): number[] {
    return this.profiles.map((p) => p.currentPeriod());
  }

  toState(): SeasonalScorerState {
    return { profiles: this.profiles.map((p) => p.toState()) };
  }

  static fromState(options: SeasonalScorerOptions, s: SeasonalScorerState): SeasonalScorer {
    if (!Array.isArray(s?.profiles) || s.profiles.length !== options.inputs) {
      throw new Error(`seasonal state: expected ${options.inputs} profiles (one per input), got ${Array.isArray(s?.profiles) ? s.profiles.length : "none"}`);
    }
    const profileOptions = SeasonalScorer.profileOptions(options);
    return new SeasonalScorer(options, s.profiles.map((p) => SeasonalProfile.fromState(profileOptions, p)));
  }

  private static profileOptions(o: SeasonalScorerOptions): SeasonalProfileOptions {
    // Four checks per longest cycle: a period is confirmed within about 3.5 cycles of data.
    return { maxPeriod: o.maxPeriod, minPeriod: o.minPeriod, checkEvery: Math.max(1, Math.ceil(o.maxPeriod / 4)), zFactor: o.zFactor, multiples: o.multiples ?? false };
  }
}
