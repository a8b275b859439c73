import { AdaptiveThresholder } from "./adaptiveThresholder";
import type { Detection } from "./detection";
import { deviationsOf } from "./deviation";
import { DriftView, type DriftViewState } from "./driftView";
import { GROSS_FAULT_MIN_STEPS, grossFaultGrade, lastingFallGrade } from "./grossFault";
import { Preprocessor, type SeriesInputs } from "./preprocessor";
import { ReplicaStream, type ReplicaStreamState } from "./replicaStream";
import { SeasonalScorer } from "./seasonalScorer";
import { StatisticsHold, type StatisticsHoldState } from "./statisticsHold";
import { deviationAttribution, expectedValues, forestAttribution, namedCauses, viewAlert } from "./stepExplanation";
import { StreamingForest } from "./streamingForest";
import { resolveOptions } from "./resolveOptions";
import { PULSE_CHANGE_Z, forestClipBounds, seasonalOptions, shingleLagWeights, spreadOptions, statisticsDiscount, type ThresholdedForestOptions } from "./thresholdedForestOptions";
import { restoredParts, type StepInput, type ThresholdedForestState } from "./thresholdedForestState";

export type { ThresholdedForestOptions, RawScoreSource } from "./thresholdedForestOptions";
export type { Detection } from "./detection";
export type { StepInput, ThresholdedForestState } from "./thresholdedForestState";

interface Scratch {
  point: Float64Array;
  current: Float64Array;
  imputed: Float64Array;
  /** The step's sharp change signs per metric (pulses). */
  signs: Int8Array;
}

/**
 * A value this close to its expected value, relatively, equals it: the forest keeps its samples in 32-bit floats,
 * so a metric that never changes gets back an expected value a few parts in 10^8 off (nab-dev's flat line at 45
 * raised 6 alerts without it once no fraction of the value counted as near).
 */
const FLOAT_TOLERANCE = 1e-6;

/**
 * A streaming anomaly detector in the manner of the reference ThresholdedRandomCutForest: transforms each
 * input, shingles it, scores the shingle (with its own {@link StreamingForest}, or takes the score of an external
 * static model such as SageMaker's), grades the score with an {@link AdaptiveThresholder}, explains anomalies
 * (attribution per metric, expected values), suppresses alerts for values near their expected ones, for repeats
 * of an ongoing anomaly and for recurrences of a recent one, and (with the seasonal view) alerts on a cycle that
 * changes shape.
 *
 * One detector serves a group of series that share what normal is: the replicas of one container across a
 * service's tasks. Forest, statistics, thresholder and seasonal profile are shared; each {@link ReplicaStream}
 * keeps its own shingle, previous values and alert bookkeeping. A step ({@link processStep}) scores every series
 * against the model as it was before the step, then learns from all of them; time decay counts steps, so a step
 * weighs the same however many replicas reported. One series ({@link process}) is the plain streaming detector.
 *
 * Anomalous steps enter the shingle history as their expected values, for at most `maxCorrections` steps in a
 * row: so an anomaly does not echo through the next shingles (nor inflate their scores and hide a second
 * anomaly soon after), while a lasting change of level still becomes the new normal.
 */
export class ThresholdedForest {
  readonly options: Required<ThresholdedForestOptions>;
  private readonly forest: StreamingForest | null;
  private readonly pre: Preprocessor;
  private readonly thresholder: AdaptiveThresholder;
  private readonly seasonal: SeasonalScorer | null;
  private readonly drift: DriftView | null;
  private readonly dims: number;
  private readonly currentDims: number[];
  private readonly lagWeights: Float64Array | null;
  private readonly clipBounds: Float64Array | null;
  private readonly width: number;
  private readonly attribution: Float64Array;
  private readonly meanValues: Float64Array;
  private scratch: Scratch[] = [];
  private updates = 0;
  private readonly hold: StatisticsHold;
  private single: ReplicaStream | null = null;

  constructor(options: ThresholdedForestOptions, restored?: { forest: StreamingForest | null; pre: Preprocessor; thresholder: AdaptiveThresholder; seasonal: SeasonalScorer | null; drift?: DriftViewState; updates: number; hold?: StatisticsHoldState }) {
    this.options = resolveOptions(options);
    const o = this.options;
    // Values per step in the forest's point: each metric's transformed value, and its change with forestChanges (an
    // external model's vectors are made elsewhere, from the values alone).
    this.width = o.forestChanges > 0 && o.scorer !== "external" ? 2 * o.inputs : o.inputs;
    this.dims = this.width * o.shingleSize;
    const external = o.scorer === "external";
    this.forest = restored ? restored.forest : external ? null : new StreamingForest({ dimensions: this.dims, numTrees: o.numTrees, sampleSize: o.sampleSize, timeDecay: o.timeDecay, seed: o.seed });
    this.pre = restored?.pre ?? new Preprocessor(o.transform, o.inputs, statisticsDiscount(o), undefined, spreadOptions(o));
    this.thresholder = restored?.thresholder ?? new AdaptiveThresholder({ zFactor: o.zFactor, lowerThreshold: o.lowerThreshold, discount: statisticsDiscount(o), minScores: Math.min(32, o.outputAfter), clipScores: o.clipScores, quantile: o.thresholdQuantile, quantileDiscount: o.thresholdQuantileMemory > 0 ? 1 / o.thresholdQuantileMemory : undefined });
    this.seasonal = restored ? restored.seasonal : o.seasonal ? new SeasonalScorer(seasonalOptions(o)) : null;
    this.drift = o.driftZFactor > 0 ? new DriftView({ inputs: o.inputs, span: o.driftSpan, discount: statisticsDiscount(o), zFactor: o.driftZFactor }, restored?.drift) : null;
    this.updates = restored?.updates ?? 0;
    this.hold = new StatisticsHold(o.holdStatistics, o.holdStatisticsMode, o.holdStatisticsFrom, restored?.hold);
    this.lagWeights = shingleLagWeights(o.shingleSize, this.width, o.shingleDecay);
    this.clipBounds = forestClipBounds(o, this.width);
    this.currentDims = Array.from({ length: this.width }, (_, m) => this.dims - this.width + m);
    this.attribution = new Float64Array(this.dims);
    this.meanValues = new Float64Array(o.inputs);
  }

  /** A new series for this detector (a replica that starts reporting). */
  newSeries(): ReplicaStream {
    return new ReplicaStream(this.options.inputs, this.dims - this.width);
  }

  /** Restores a series saved with {@link ReplicaStream.toState}. */
  restoreSeries(state: ReplicaStreamState, where: string): ReplicaStream {
    return ReplicaStream.fromState(state, this.options.inputs, this.dims - this.width, where);
  }

  /** Scores the step `values` (one raw value per input metric) of the detector's own single series, then learns. */
  process(values: ArrayLike<number>, score?: number): Detection {
    this.single ??= this.newSeries();
    return this.processStep([{ series: this.single, values, score }])[0];
  }

  /**
   * Processes one time step of several series sharing this model (each series at most once, in a fixed order
   * for reproducible results): scores and judges every series against the model as it was before the step,
   * then learns from all of them. Returns one detection per input, in order.
   */
  processStep(inputs: readonly StepInput[]): Detection[] {
    const o = this.options;
    const n = o.inputs;
    for (const input of inputs) {
      const v = input.values;
      if (v.length !== n) throw new Error(`step ${input.series.index} has ${v.length} values, the detector expects ${n} inputs`);
      for (let m = 0; m < n; m++) if (!Number.isFinite(v[m])) throw new Error(`step ${input.series.index}: input ${m} is not a finite number (${String(v[m])})`);
      if (input.score !== undefined && !Number.isFinite(input.score)) throw new Error(`step ${input.series.index}: the external score is not a finite number (${String(input.score)})`);
    }
    const count = inputs.length;
    if (count === 0) return [];
    while (this.scratch.length < count) this.scratch.push({ point: new Float64Array(this.dims), current: new Float64Array(this.width), imputed: new Float64Array(this.width), signs: new Int8Array(n) });

    // The seasonal and drift views judge the group's mean values (one replica's own when alone).
    let stepValues: ArrayLike<number> = inputs[0].values;
    if (count > 1 && (this.seasonal || this.drift)) {
      this.meanValues.fill(0);
      for (const input of inputs) for (let m = 0; m < n; m++) this.meanValues[m] += input.values[m] / count;
      stepValues = this.meanValues;
    }
    const seasonalGrade = this.seasonal ? this.seasonal.process(stepValues) : 0;
    const driftGrade = this.drift ? this.drift.process(stepValues, o.outputAfter, o.repeatWindow) : 0;
    const ready = this.updates >= o.outputAfter;
    const threshold = this.thresholder.threshold();
    const confidence = this.confidence();
    const histLen = this.dims - this.width;

    // 1. Score every series against the model as it is before this step.
    const scores: (number | undefined)[] = new Array<number | undefined>(count);
    const index: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const { series, values } = inputs[i];
      const sc = this.scratch[i];
      index[i] = series.index++;
      this.pre.transform(values, sc.current, series.inputs);
      if (this.width > n) this.pre.changes(values, sc.current, n, series.inputs, o.forestChanges);
      if (this.clipBounds) for (let j = 0; j < this.width; j++) sc.current[j] = Math.max(-this.clipBounds[j], Math.min(this.clipBounds[j], sc.current[j]));
      if (this.forest === null) {
        scores[i] = inputs[i].score;
      } else if (!series.isShingled()) {
        series.pushHistory(sc.current);
        series.filled += this.width;
        scores[i] = undefined;
      } else {
        sc.point.set(series.history, 0);
        if (this.lagWeights) for (let j = 0; j < histLen; j++) sc.point[j] *= this.lagWeights[j];
        sc.point.set(sc.current, histLen);
        scores[i] = this.forest.score(sc.point);
      }
    }

    // 2. Judge each scored series: anomalous, near expected, alert, repeat, recurrence.
    const out: Detection[] = new Array<Detection>(count);
    const anomalousAt: boolean[] = new Array<boolean>(count).fill(false);
    const confirmedAt: boolean[] = new Array<boolean>(count).fill(false);
    for (let i = 0; i < count; i++) {
      const { series, values } = inputs[i];
      const score = scores[i];
      const spread = Array.from({ length: n }, (_, m) => this.pre.spread(m));
      const typical = Array.from({ length: n }, (_, m) => (this.seasonal?.hasProfile(m) ? this.seasonal.expected(m) : this.pre.typical(m, series.inputs)));
      if (score === undefined) {
        out[i] = { index: index[i], score: 0, grade: 0, alert: false, seasonal: false, confidence: 0, likelihood: 0, threshold, attribution: null, expected: typical, spread, deviations: deviationsOf(values, typical, spread) };
        continue;
      }
      const sc = this.scratch[i];
      // Too young to grade scores: only a gross fault of a metric against its running level counts.
      const gross = ready || this.pre.steps() < GROSS_FAULT_MIN_STEPS ? 0 : this.grossGrade(values);
      const above = ready && this.thresholder.grade(score) > 0;
      // A fall toward zero while the model is young (the guard's age, or the forest's until confirmGrossUntil) alerts
      // on its second step in a row: a lost scrape reported as 0 is one step, a crashed task or lost traffic stays.
      const fall = gross > 0 ? 0 : this.youngFallGrade(values, series.inputs, ready);
      let anomalous = gross > 0 || above;
      // A pulse: this step takes a metric back the way an earlier step above the threshold took it (pulseMinSteps).
      let pulse = 0;
      if (o.pulseMaxSteps > 0 && gross === 0) {
        if (above) this.pre.sharpChanges(values, PULSE_CHANGE_Z, sc.signs, series.inputs);
        if (above || series.edges.length > 0) pulse = series.pulseEnds(index[i], values, sc.signs, above, o.pulseMinSteps, o.pulseMaxSteps);
      }
      let expected: number[] = typical;
      if (anomalous || fall > 0) {
        expected = this.expectedOf(sc, series);
        let near = gross === 0;
        for (let m = 0; m < n; m++) {
          const tolerance = Math.max(o.ignoreNearExpectedAbsolute, o.ignoreNearExpectedRelative * Math.abs(expected[m]), o.ignoreNearExpectedDeviations * spread[m], FLOAT_TOLERANCE * Math.abs(expected[m]), series.bursts.tolerance(m, values[m], o.ignoreNearUsualBursts, o.usualBurstZ));
          // A metric right where its cycle puts it, having moved there as the cycle does (seasonal view), is not what
          // makes the step anomalous either.
          if (Math.abs(values[m] - expected[m]) > tolerance && !this.seasonal?.onProfileValue(m, values[m])) near = false;
        }
        if (near) anomalous = false;
      }
      // A young gross fault is raised, not corrected: the young forest keeps learning what it sees, as before.
      anomalousAt[i] = anomalous && gross === 0;
      // While the forest's sample fills, its threshold rests on few scores and a fault's first step may be its only one
      // above it: one that the young guard also finds gross is confirmed at once (confirmGrossUntil).
      const grossConfirms = anomalous && above && this.updates < o.confirmGrossUntil && this.grossGrade(values) > 0;
      const confirmedByRules = series.markAnomalous(anomalous, o.confirmWindow) >= o.confirmSteps || (anomalous && (gross > 0 ? gross : this.thresholder.grade(score)) >= o.confirmBypassGrade);
      // A decision only: the step is learnt as the other rules would have it (as its expected values, unconfirmed).
      confirmedAt[i] = confirmedByRules;
      // So is a fall: the step is learnt, and counted for later confirmation, as it would be without it.
      if (fall > 0) anomalous = true;
      const confirmedAlone = grossConfirms || fall > 0 || confirmedByRules;
      // A pulse's end is raised though its value is back near the expected one; what the model learns is as without it.
      if (pulse > 0) anomalous = true;
      const grade = !anomalous ? 0 : gross > 0 ? gross : Math.max(fall, this.thresholder.grade(score));
      const confirmed = confirmedAlone || pulse > 0;
      let alert = false;
      let recurrence = false;
      let repeated = false;
      const attribution = anomalous ? this.attributionOf(sc, values, expected, spread, score) : null;
      if (anomalous) {
        // The step's main cause is the first metric it would name; a metric the incident's alerts did not name is new.
        const named = attribution === null ? [] : namedCauses(attribution);
        const newCause = o.repeatNewCause && named.length > 0 && !series.incidentCauses.includes(named[0]);
        const repeat = index[i] - series.lastAlertIndex <= o.repeatWindow && score <= o.repeatEscalation * series.lastAlertScore && !newCause;
        if (!repeat && confirmed && o.recurrenceHorizon > 0 && series.recurs(index[i], deviationsOf(values, expected, spread), o)) {
          // The same incident shape seen recently: remembered as an alert (so its own repeats stay quiet), not raised.
          series.noteAlert(index[i], score, named, o.repeatWindow);
          series.withheldAt = index[i];
          recurrence = true;
        } else if (repeat) {
          // Same incident, still going: it ends `repeatWindow` steps after its last anomalous step…
          if (o.repeatExtends) series.lastAlertIndex = index[i];
          // …unless it is a withheld recurrence that has now lasted `recurrencePersist` steps: raised after all. The
          // incident's alert score stays the larger of this step's and the withheld first step's, so a later step
          // escalates only past the incident's strongest (session 51; the development sets score the same to the digit).
          if (o.recurrencePersist > 0 && series.raisesWithheld(o.recurrencePersist)) {
            alert = true;
            series.noteAlert(index[i], Math.max(score, series.lastAlertScore), named, o.repeatWindow);
          } else {
            repeated = true;
          }
        } else if (confirmed) {
          alert = true;
          series.noteAlert(index[i], score, named, o.repeatWindow);
        }
      }
      // A scored step's raw values join what its replica's bursts usually are, once judged.
      if (o.ignoreNearUsualBursts > 0) series.bursts.learn(values);
      const likelihood = this.thresholder.likelihood(score);
      out[i] = {
        index: index[i],
        score,
        grade,
        alert,
        ...(recurrence ? { recurrence: true } : {}),
        ...(repeated ? { repeat: true } : {}),
        // The series' previous values are the pulse's last step until step 4 learns this one.
        ...(alert && pulse > 0 && !confirmedAlone ? { pulse, pulseLevels: Array.from(series.inputs.previous) } : {}),
        seasonal: false,
        confidence,
        likelihood: alert ? Math.max(likelihood, 0.5 + grade / 2) : likelihood,
        threshold,
        attribution,
        expected,
        spread,
        deviations: deviationsOf(values, expected, spread),
      };
    }

    // 3. The seasonal and drift views: a cycle that broke, or a level that crept to a new extreme, where the forest
    // saw nothing; raised on the series furthest off.
    if (this.seasonal && seasonalGrade > 0 && ready) viewAlert(this.options, inputs, scores, out, seasonalGrade, this.seasonal, true);
    if (this.drift && driftGrade > 0 && ready) viewAlert(this.options, inputs, scores, out, driftGrade, this.drift, false);

    // 4. Learn from every series of the step.
    let scoredAny = false;
    for (let i = 0; i < count; i++) {
      const score = scores[i];
      if (score === undefined) continue;
      scoredAny = true;
      if (this.forest === null) continue;
      const { series } = inputs[i];
      const sc = this.scratch[i];
      if (anomalousAt[i] && series.corrections < o.maxCorrections) {
        series.corrections++;
        const observed = o.learnAnomalies && (o.learnUnconfirmed || confirmedAt[i]);
        if (observed) this.forest.update(sc.point, this.updates);
        sc.point.set(sc.imputed, histLen);
        sc.current.set(sc.imputed);
        if (!observed) this.forest.update(sc.point, this.updates);
      } else {
        series.corrections = 0;
        this.forest.update(sc.point, this.updates);
      }
      series.pushHistory(sc.current);
    }
    const holding = o.holdStatisticsUntil === 0 || this.thresholder.weight() < o.holdStatisticsUntil;
    this.thresholder.updateStep(this.hold.scoresToLearn(scores, anomalousAt, threshold, holding));
    this.pre.updateStep(
      inputs.map((x) => x.values),
      inputs.map((x) => x.series.inputs),
    );
    if (scoredAny) this.updates++;
    return out;
  }

  /**
   * Starts the thresholder from a known score distribution (a static model's calibration: the mean and standard
   * deviation of its training scores) weighing a full memory of steps (the statistics' memory), and counts the model as
   * ready: a static model was trained before it was deployed, so its scores are graded from the first step.
   */
  calibrate(mean: number, sd: number, weight = 1 / Math.max(statisticsDiscount(this.options), 1e-9)): void {
    this.thresholder.calibrate(mean, sd, weight);
    this.updates = Math.max(this.updates, this.options.outputAfter);
  }

  /** Steps at which at least one series was scored (alerts start once this reaches outputAfter). */
  scoredSteps(): number {
    return this.updates;
  }

  /** A step at which no series had values (a gap in the data): the seasonal view's cycles move on with time. */
  skipStep(): void {
    this.seasonal?.skip();
  }

  /** The seasonal view's period per metric (0 = none; empty without the seasonal view). */
  periods(): number[] {
    return this.seasonal?.periods() ?? [];
  }

  toState(): ThresholdedForestState {
    return {
      format: "cad-trcf/2",
      options: this.options,
      updates: this.updates,
      ...(this.forest ? { forest: this.forest.toState() } : {}),
      preprocessor: this.pre.toState(),
      thresholder: this.thresholder.toState(),
      ...(this.seasonal ? { seasonal: this.seasonal.toState() } : {}),
      ...(this.drift ? { drift: this.drift.toState() } : {}),
      ...(this.single ? { series: this.single.toState() } : {}),
      ...this.hold.toState(),
    };
  }

  /**
   * Restores a detector. With `profile` (the deployment's settings), its decision options (decisionOptions.ts) replace
   * the saved ones: the rules that turn anomalous steps into alerts are the release's, the learnt state the saved one.
   */
  static fromState(state: ThresholdedForestState, profile?: Partial<ThresholdedForestOptions>): ThresholdedForest {
    const { options, forest, pre, thresholder, seasonal, hold } = restoredParts(state, profile);
    const d = new ThresholdedForest(options, { forest, pre, thresholder, seasonal, drift: state.drift, updates: state.updates, hold });
    if (forest && forest.dimensions !== d.dims) throw new Error(`detector state: forest has ${forest.dimensions} dimensions, options imply ${d.dims}`);
    if (state.series) d.single = d.restoreSeries(state.series, "detector state: series");
    return d;
  }

  /** Expected values of the current step's metrics (raw scale): imputed by the forest, or without one the typical values (stepExplanation.ts). */
  private expectedOf(sc: Scratch, series: ReplicaStream): number[] {
    const s = series.inputs;
    return expectedValues(this.options.inputs, this.forest, sc, this.currentDims, (m) => (this.seasonal?.hasProfile(m) ? this.seasonal.expected(m) : this.pre.typical(m, s)), (m, y) => this.pre.inverse(m, y, s));
  }

  /** Per metric share of `score`: the forest's attribution summed over the shingle, or deviations without a forest (stepExplanation.ts). */
  private attributionOf(sc: Scratch, values: ArrayLike<number>, expected: readonly number[], spread: readonly number[], score: number): number[] {
    return this.forest ? forestAttribution(this.forest, sc.point, this.attribution, this.width, this.options.inputs) : deviationAttribution(values, expected, spread, score);
  }

  /** The young guard's grade of a step's values against each metric's running level and deviation (grossFault.ts). */
  private grossGrade(values: ArrayLike<number>): number {
    const o = this.options;
    return grossFaultGrade(values, (m) => this.pre.mean(m), (m) => this.pre.deviation(m), { ratio: o.grossFaultRatio, z: o.grossFaultZ });
  }

  /**
   * The young guard's grade of a fall toward zero that the series' step before made too (grossFault.ts); 0 with
   * `grossFaultFallZ` off, before the guard judges, at a series' first step, or once a ready forest has made
   * `confirmGrossUntil` updates.
   */
  private youngFallGrade(values: ArrayLike<number>, s: SeriesInputs, ready: boolean): number {
    const o = this.options;
    if (!(o.grossFaultFallZ > 0) || this.pre.steps() < GROSS_FAULT_MIN_STEPS || s.seen === 0 || (ready && this.updates >= o.confirmGrossUntil)) return 0;
    return lastingFallGrade(values, s.previous, (m) => this.pre.mean(m), (m) => this.pre.deviation(m), { ratio: o.grossFaultRatio, z: o.grossFaultZ, fallZ: o.grossFaultFallZ });
  }

  private confidence(): number {
    const o = this.options;
    const fill = this.forest ? Math.min(1, this.forest.updates / o.sampleSize) : 1;
    const scores = Math.min(1, this.thresholder.weight() / (4 * o.outputAfter));
    return fill * scores;
  }
}
