import { AdaptiveThresholder, type AdaptiveThresholderState } from "./adaptiveThresholder";
import { Preprocessor, type PreprocessorState, type TransformMethod } from "./preprocessor";
import { SeasonalScorer, type SeasonalScorerOptions, type SeasonalScorerState } from "./seasonalScorer";
import { StreamingForest, type StreamingForestState } from "./streamingForest";

export interface ThresholdedForestOptions {
  /** Number of input metrics per step. */
  readonly inputs: number;
  /** Consecutive steps the forest sees as one point (default 8). */
  readonly shingleSize?: number;
  readonly numTrees?: number;
  readonly sampleSize?: number;
  /** Sampling decay per step (default 1 / (10 · sampleSize)). */
  readonly timeDecay?: number;
  readonly seed?: number;
  /** Input transform (default "normalize"). */
  readonly transform?: TransformMethod;
  /** Steps before any grade is given (default max(32, sampleSize / 4), counted from the first full shingle). */
  readonly outputAfter?: number;
  /** Threshold: standard deviations above the mean score (default 3). */
  readonly zFactor?: number;
  /** Scores at or below this are never anomalous (default 1). */
  readonly lowerThreshold?: number;
  /** A step is not anomalous when every metric is within this fraction of its expected value (default 0.01). */
  readonly ignoreNearExpectedRelative?: number;
  /** …or within this absolute distance of it (default 0)… */
  readonly ignoreNearExpectedAbsolute?: number;
  /** …or within this many (discounted) standard deviations of the metric (default 0). */
  readonly ignoreNearExpectedDeviations?: number;
  /** After an alert, later steps within this many steps are repeats of the same incident (default shingleSize)… */
  readonly repeatWindow?: number;
  /** …and alert again only if they score more than this factor times the last alert's score (default 1). */
  readonly repeatEscalation?: number;
  /**
   * Whether a suppressed repeat extends its incident (default false): the repeat window then counts from the
   * incident's latest anomalous step instead of its first alert, so an incident that keeps producing anomalous
   * steps alerts once however long it lasts, and a shorter `repeatWindow` (the quiet gap that ends an incident)
   * suffices. Escalation is still measured against the incident's alert.
   */
  readonly repeatExtends?: boolean;
  /**
   * Recurring-alert suppression (default 0 = off): an alert is dropped when, within this many steps before it,
   * at least `recurrenceCount` earlier alerts deviated from their expected values in the same way (see
   * `recurrenceTolerance`). So a spike that comes back every day with the same size alerts `recurrenceCount`
   * times, then no more, while a larger or different one still alerts.
   */
  readonly recurrenceHorizon?: number;
  /** Earlier similar alerts within the horizon that make an alert a recurrence (default 2). */
  readonly recurrenceCount?: number;
  /**
   * Two alerts are similar when their signed deviations (actual − expected, in each metric's standard
   * deviations) differ in no metric by more than this fraction of the larger deviation (default 0.25).
   */
  readonly recurrenceTolerance?: number;
  /** Consecutive anomalous steps replaced by their expected values before the model accepts a new normal (default shingleSize). */
  readonly maxCorrections?: number;
  /**
   * Whether an anomalous step still enters the forest as observed (default true), so that a recurring kind of
   * spike becomes normal; the shingle history gets its expected values either way, so it does not echo. With
   * false the forest sees expected values instead (stricter: repeats stay anomalous).
   */
  readonly learnAnomalies?: boolean;
  /**
   * Seasonal view (default false): each metric looks for its own dominant period (up to `maxPeriod` steps,
   * at least two shingles long, strong and confirmed twice) and, once it has one, alerts when its recent
   * values leave their per-phase profile by more than `seasonalZFactor` times the usual amount: a change of a
   * cycle's shape the shingle is too short to see. See {@link SeasonalScorer}.
   */
  readonly seasonal?: boolean;
  /** Longest period the seasonal view looks for, in steps (default 512; state grows by ~3 · maxPeriod numbers per metric). */
  readonly maxPeriod?: number;
  /** Seasonal alert threshold in root mean squares of the smoothed residual (default 6). */
  readonly seasonalZFactor?: number;
}

/** What the detector says about one step. */
export interface Detection {
  /** 0-based step number. */
  readonly index: number;
  /** Raw forest score of the step's shingle (0 before the first full shingle). */
  readonly score: number;
  /** Anomaly grade in [0, 1]: 0 = normal; > 0 = an alert, larger = further beyond the threshold. */
  readonly grade: number;
  /** How much data the grade rests on, in [0, 1]. */
  readonly confidence: number;
  /** Score threshold in force at this step. */
  readonly threshold: number;
  /** Per input metric, its share of the score (sums to the score); only when grade > 0. */
  readonly attribution: number[] | null;
  /** Per input metric, the value the model expected (raw scale); only when grade > 0. */
  readonly expected: number[] | null;
  /** Per input metric, |actual − expected| in the metric's recent standard deviations; only when grade > 0. */
  readonly deviations: number[] | null;
}

export interface ThresholdedForestState {
  readonly format: "cad-trcf/1";
  readonly options: Required<ThresholdedForestOptions>;
  readonly index: number;
  readonly filled: number;
  readonly history: number[];
  readonly corrections: number;
  /** Recent alerts (index and signed deviations per metric) for recurrence suppression; absent = none. */
  readonly recentAlerts?: { index: number; deviations: number[] }[];
  readonly lastAlertIndex: number;
  readonly lastAlertScore: number;
  readonly forest: StreamingForestState;
  readonly preprocessor: PreprocessorState;
  readonly thresholder: AdaptiveThresholderState;
  /** The seasonal view's state; present exactly when options.seasonal is true. */
  readonly seasonal?: SeasonalScorerState;
}

/**
 * A streaming anomaly detector in the manner of the reference ThresholdedRandomCutForest: transforms each
 * input, shingles it, scores the shingle with a {@link StreamingForest}, grades the score with an
 * {@link AdaptiveThresholder}, explains alerts (attribution per metric, expected values), and suppresses alerts
 * for values near their expected ones and for repeats of an alert just raised.
 *
 * Anomalous steps enter the shingle history as their expected values, for at most `maxCorrections` steps in a
 * row: so an anomaly does not echo through the next shingles (nor inflate their scores and hide a second
 * anomaly soon after), while a lasting change of level still becomes the new normal.
 */
export class ThresholdedForest {
  readonly options: Required<ThresholdedForestOptions>;
  private readonly forest: StreamingForest;
  private readonly pre: Preprocessor;
  private readonly thresholder: AdaptiveThresholder;
  private readonly seasonal: SeasonalScorer | null;
  /** Transformed (and corrected) inputs of the last shingleSize − 1 steps, oldest first. */
  private readonly history: Float64Array;
  private readonly point: Float64Array;
  private readonly current: Float64Array;
  private readonly attribution: Float64Array;
  private readonly currentDims: number[];
  private readonly imputed: Float64Array;
  private index = 0;
  private filled = 0;
  private corrections = 0;
  private lastAlertIndex = -Infinity;
  private lastAlertScore = 0;
  private recentAlerts: { index: number; deviations: number[] }[] = [];

  constructor(options: ThresholdedForestOptions, restored?: { forest: StreamingForest; pre: Preprocessor; thresholder: AdaptiveThresholder; seasonal: SeasonalScorer | null }) {
    this.options = resolveOptions(options);
    const o = this.options;
    const dims = o.inputs * o.shingleSize;
    this.forest = restored?.forest ?? new StreamingForest({ dimensions: dims, numTrees: o.numTrees, sampleSize: o.sampleSize, timeDecay: o.timeDecay, seed: o.seed });
    this.pre = restored?.pre ?? new Preprocessor(o.transform, o.inputs, o.timeDecay);
    this.thresholder = restored?.thresholder ?? new AdaptiveThresholder({ zFactor: o.zFactor, lowerThreshold: o.lowerThreshold, discount: o.timeDecay, minScores: Math.min(32, o.outputAfter) });
    this.seasonal = restored ? restored.seasonal : o.seasonal ? new SeasonalScorer(seasonalOptions(o)) : null;
    this.history = new Float64Array(dims - o.inputs);
    this.point = new Float64Array(dims);
    this.current = new Float64Array(o.inputs);
    this.attribution = new Float64Array(dims);
    this.currentDims = Array.from({ length: o.inputs }, (_, m) => dims - o.inputs + m);
    this.imputed = new Float64Array(o.inputs);
  }

  /** Scores the step `values` (one raw value per input metric), then learns from it. */
  process(values: ArrayLike<number>): Detection {
    const o = this.options;
    const n = o.inputs;
    if (values.length !== n) throw new Error(`step ${this.index} has ${values.length} values, the detector expects ${n} inputs`);
    for (let m = 0; m < n; m++) if (!Number.isFinite(values[m])) throw new Error(`step ${this.index}: input ${m} is not a finite number (${String(values[m])})`);
    const index = this.index++;
    const seasonalGrade = this.seasonal ? this.seasonal.process(values) : 0;
    this.pre.transform(values, this.current);
    const histLen = this.history.length;
    if (this.filled < histLen) {
      this.pushHistory(this.current);
      this.filled += n;
      this.pre.update(values);
      return { index, score: 0, grade: 0, confidence: 0, threshold: this.thresholder.threshold(), attribution: null, expected: null, deviations: null };
    }
    this.point.set(this.history, 0);
    this.point.set(this.current, histLen);
    const score = this.forest.score(this.point);
    const threshold = this.thresholder.threshold();
    let anomalous = this.forest.updates >= o.outputAfter && this.thresholder.grade(score) > 0;
    let grade = 0;
    let attribution: number[] | null = null;
    let expected: number[] | null = null;
    if (anomalous) {
      this.forest.impute(this.point, this.currentDims, this.imputed);
      expected = Array.from(this.imputed, (y, m) => this.pre.inverse(m, y));
      let near = true;
      for (let m = 0; m < n; m++) {
        const tolerance = Math.max(o.ignoreNearExpectedAbsolute, o.ignoreNearExpectedRelative * Math.abs(expected[m]), o.ignoreNearExpectedDeviations * this.pre.deviation(m));
        // A metric right where its cycle puts it (seasonal view) is not what makes the step anomalous either.
        if (Math.abs(values[m] - expected[m]) > tolerance && !this.seasonal?.onProfile(m)) near = false;
      }
      if (near) anomalous = false;
    }
    if (anomalous) {
      const repeat = index - this.lastAlertIndex <= o.repeatWindow && score <= o.repeatEscalation * this.lastAlertScore;
      if (!repeat && this.isRecurrence(index, values, expected)) {
        // The same incident shape seen recently: remembered as an alert (so its own repeats stay quiet), not raised.
        this.lastAlertIndex = index;
        this.lastAlertScore = score;
      } else if (repeat) {
        // Same incident, still going: it ends `repeatWindow` steps after its last anomalous step.
        if (o.repeatExtends) this.lastAlertIndex = index;
      } else {
        grade = this.thresholder.grade(score);
        this.forest.scoreWithAttribution(this.point, this.attribution);
        attribution = new Array<number>(n).fill(0);
        for (let d = 0; d < this.attribution.length; d++) attribution[d % n] += this.attribution[d];
        this.lastAlertIndex = index;
        this.lastAlertScore = score;
      }
    } else {
      expected = null;
    }
    if (seasonalGrade > grade && this.forest.updates >= o.outputAfter && index - this.lastAlertIndex > o.repeatWindow && this.seasonal) {
      // The cycle broke where the forest saw nothing unusual: a seasonal alert (not a repeat of a recent alert).
      grade = seasonalGrade;
      const s = this.seasonal;
      expected = Array.from({ length: n }, (_, m) => s.expected(m));
      const weights = expected.map((_, m) => s.z(m));
      const total = weights.reduce((a, b) => a + b, 0);
      attribution = weights.map((w) => (score * w) / total);
      this.lastAlertIndex = index;
      this.lastAlertScore = score;
    }
    if (anomalous && this.corrections < o.maxCorrections) {
      this.corrections++;
      if (o.learnAnomalies) this.forest.update(this.point);
      this.point.set(this.imputed, histLen);
      this.current.set(this.imputed);
      if (!o.learnAnomalies) this.forest.update(this.point);
    } else {
      this.corrections = 0;
      this.forest.update(this.point);
    }
    this.pushHistory(this.current);
    this.thresholder.update(score);
    this.pre.update(values);
    const deviations = grade > 0 && expected ? expected.map((e, m) => Math.abs(values[m] - e) / Math.max(this.pre.deviation(m), 1e-12)) : null;
    return { index, score, grade, confidence: this.confidence(), threshold, attribution: grade > 0 ? attribution : null, expected: grade > 0 ? expected : null, deviations };
  }

  /** Size in bytes of the JSON of {@link toState} (what a Lambda would persist per series). */
  stateSize(): number {
    return Buffer.byteLength(JSON.stringify(this.toState()));
  }

  toState(): ThresholdedForestState {
    return {
      format: "cad-trcf/1",
      options: this.options,
      index: this.index,
      filled: this.filled,
      history: Array.from(this.history),
      corrections: this.corrections,
      recentAlerts: this.recentAlerts.map((a) => ({ index: a.index, deviations: [...a.deviations] })),
      lastAlertIndex: Number.isFinite(this.lastAlertIndex) ? this.lastAlertIndex : -1e15,
      lastAlertScore: this.lastAlertScore,
      forest: this.forest.toState(),
      preprocessor: this.pre.toState(),
      thresholder: this.thresholder.toState(),
      ...(this.seasonal ? { seasonal: this.seasonal.toState() } : {}),
    };
  }

  static fromState(state: ThresholdedForestState): ThresholdedForest {
    if (state === null || typeof state !== "object" || state.format !== "cad-trcf/1") {
      throw new Error(`not a detector state: expected format "cad-trcf/1", got ${JSON.stringify((state as { format?: unknown } | null)?.format)}`);
    }
    const forest = StreamingForest.fromState(state.forest);
    const pre = Preprocessor.fromState(state.preprocessor);
    const thresholder = AdaptiveThresholder.fromState(state.thresholder);
    const options = resolveOptions(state.options);
    if (options.seasonal !== (state.seasonal !== undefined)) throw new Error(`detector state: options.seasonal is ${options.seasonal} but the seasonal state is ${state.seasonal ? "present" : "absent"}`);
    const seasonal = state.seasonal ? SeasonalScorer.fromState(seasonalOptions(options), state.seasonal) : null;
    const d = new ThresholdedForest(options, { forest, pre, thresholder, seasonal });
    if (forest.dimensions !== d.point.length) throw new Error(`detector state: forest has ${forest.dimensions} dimensions, options imply ${d.point.length}`);
    if (state.history.length !== d.history.length) throw new Error(`detector state: history holds ${state.history.length} values, expected ${d.history.length}`);
    d.history.set(state.history);
    d.index = state.index;
    d.filled = state.filled;
    d.corrections = state.corrections;
    const recent = state.recentAlerts ?? [];
    if (!Array.isArray(recent) || recent.some((a) => !Number.isFinite(a?.index) || !Array.isArray(a.deviations) || a.deviations.length !== state.options.inputs || !a.deviations.every(Number.isFinite))) {
      throw new Error(`detector state: recentAlerts must be a list of {index, deviations} with ${state.options.inputs} finite deviations each`);
    }
    d.recentAlerts = recent.map((a) => ({ index: a.index, deviations: [...a.deviations] }));
    d.lastAlertIndex = state.lastAlertIndex;
    d.lastAlertScore = state.lastAlertScore;
    return d;
  }

  /**
   * Whether the alert at `index` (raw `values`, `expected` values) recurs: at least `recurrenceCount` alerts
   * within `recurrenceHorizon` steps before it had similar signed deviations. Records the alert either way.
   */
  private isRecurrence(index: number, values: ArrayLike<number>, expected: readonly number[] | null): boolean {
    const o = this.options;
    if (o.recurrenceHorizon <= 0 || !expected) return false;
    const dev = expected.map((e, m) => (values[m] - e) / Math.max(this.pre.deviation(m), 1e-12));
    this.recentAlerts = this.recentAlerts.filter((a) => index - a.index <= o.recurrenceHorizon);
    let similar = 0;
    for (const a of this.recentAlerts) {
      let size = 0;
      let diff = 0;
      for (let m = 0; m < dev.length; m++) {
        size = Math.max(size, Math.abs(dev[m]), Math.abs(a.deviations[m]));
        diff = Math.max(diff, Math.abs(dev[m] - a.deviations[m]));
      }
      if (diff <= o.recurrenceTolerance * size) similar++;
    }
    this.recentAlerts.push({ index, deviations: dev });
    if (this.recentAlerts.length > 4 * o.recurrenceCount + 4) this.recentAlerts.shift();
    return similar >= o.recurrenceCount;
  }

  private pushHistory(v: Float64Array): void {
    const h = this.history;
    if (h.length === 0) return;
    h.copyWithin(0, v.length);
    h.set(v, h.length - v.length);
  }

  private confidence(): number {
    const o = this.options;
    const fill = Math.min(1, this.forest.updates / o.sampleSize);
    const scores = Math.min(1, this.thresholder.weight() / (4 * o.outputAfter));
    return fill * scores;
  }
}

function resolveOptions(o: ThresholdedForestOptions): Required<ThresholdedForestOptions> {
  const sampleSize = o.sampleSize ?? 256;
  const shingleSize = o.shingleSize ?? 8;
  const r: Required<ThresholdedForestOptions> = {
    inputs: o.inputs,
    shingleSize,
    numTrees: o.numTrees ?? 50,
    sampleSize,
    timeDecay: o.timeDecay ?? 1 / (10 * sampleSize),
    seed: o.seed ?? 42,
    transform: o.transform ?? "normalize",
    outputAfter: o.outputAfter ?? Math.max(32, Math.floor(sampleSize / 4)),
    zFactor: o.zFactor ?? 3,
    lowerThreshold: o.lowerThreshold ?? 1,
    ignoreNearExpectedRelative: o.ignoreNearExpectedRelative ?? 0.01,
    ignoreNearExpectedAbsolute: o.ignoreNearExpectedAbsolute ?? 0,
    ignoreNearExpectedDeviations: o.ignoreNearExpectedDeviations ?? 0,
    repeatWindow: o.repeatWindow ?? shingleSize,
    repeatEscalation: o.repeatEscalation ?? 1,
    repeatExtends: o.repeatExtends ?? false,
    recurrenceHorizon: o.recurrenceHorizon ?? 0,
    recurrenceCount: o.recurrenceCount ?? 2,
    recurrenceTolerance: o.recurrenceTolerance ?? 0.25,
    maxCorrections: o.maxCorrections ?? shingleSize,
    learnAnomalies: o.learnAnomalies ?? true,
    seasonal: o.seasonal ?? false,
    maxPeriod: o.maxPeriod ?? 512,
    seasonalZFactor: o.seasonalZFactor ?? 6,
  };
  if (!Number.isInteger(r.inputs) || r.inputs < 1) throw new Error(`inputs must be a positive integer, got ${o.inputs}`);
  if (!Number.isInteger(r.shingleSize) || r.shingleSize < 1) throw new Error(`shingleSize must be a positive integer, got ${r.shingleSize}`);
  if (!Number.isInteger(r.outputAfter) || r.outputAfter < 0) throw new Error(`outputAfter must be an integer >= 0, got ${r.outputAfter}`);
  if (!(r.ignoreNearExpectedRelative >= 0) || !(r.ignoreNearExpectedAbsolute >= 0) || !(r.ignoreNearExpectedDeviations >= 0)) {
    throw new Error("ignoreNearExpectedRelative, ignoreNearExpectedAbsolute and ignoreNearExpectedDeviations must be >= 0");
  }
  if (!Number.isInteger(r.repeatWindow) || r.repeatWindow < 0) throw new Error(`repeatWindow must be an integer >= 0, got ${r.repeatWindow}`);
  if (!(r.repeatEscalation >= 0)) throw new Error(`repeatEscalation must be >= 0, got ${r.repeatEscalation}`);
  if (typeof r.repeatExtends !== "boolean") throw new Error(`repeatExtends must be true or false, got ${String(r.repeatExtends)}`);
  if (!Number.isInteger(r.recurrenceHorizon) || r.recurrenceHorizon < 0) throw new Error(`recurrenceHorizon must be an integer >= 0, got ${r.recurrenceHorizon}`);
  if (!Number.isInteger(r.recurrenceCount) || r.recurrenceCount < 1) throw new Error(`recurrenceCount must be an integer >= 1, got ${r.recurrenceCount}`);
  if (!(r.recurrenceTolerance >= 0)) throw new Error(`recurrenceTolerance must be >= 0, got ${r.recurrenceTolerance}`);
  if (!Number.isInteger(r.maxCorrections) || r.maxCorrections < 0) throw new Error(`maxCorrections must be an integer >= 0, got ${r.maxCorrections}`);
  if (typeof r.seasonal !== "boolean") throw new Error(`seasonal must be true or false, got ${String(r.seasonal)}`);
  if (!Number.isInteger(r.maxPeriod) || r.maxPeriod < 2) throw new Error(`maxPeriod must be an integer >= 2, got ${r.maxPeriod}`);
  if (!(r.seasonalZFactor > 0)) throw new Error(`seasonalZFactor must be > 0, got ${r.seasonalZFactor}`);
  return r;
}

/** The seasonal view's settings: periods of at least two shingles (at least 4 steps), up to maxPeriod. */
function seasonalOptions(o: Required<ThresholdedForestOptions>): SeasonalScorerOptions {
  return { inputs: o.inputs, maxPeriod: o.maxPeriod, minPeriod: Math.max(4, 2 * o.shingleSize), zFactor: o.seasonalZFactor };
}
