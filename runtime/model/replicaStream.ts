import { BurstSizes, type BurstSizesState } from "./burstSizes";
import { newSeriesInputs, type SeriesInputs } from "./preprocessor";

/** A replica's recent alert, for recurrence suppression: its step and signed deviations per metric. */
export interface RecentAlert {
  readonly index: number;
  readonly deviations: readonly number[];
}

/** The options {@link ReplicaStream.recurs} reads (thresholdedForestOptions.ts has their meaning). */
export interface RecurrenceOptions {
  readonly recurrenceHorizon: number;
  readonly recurrenceCount: number;
  readonly recurrenceTolerance: number;
  readonly recurrenceRegular: boolean;
}

/** The jitter a regular recurrence's gaps may have, in steps, at least (a job's start varies by a step or two)… */
export const RECURRENCE_JITTER_STEPS = 2;
/** …or as a fraction of the interval. */
export const RECURRENCE_JITTER = 0.02;

/**
 * How many of the earlier similar alerts at steps `similar` (any order) lie on a regular chain back from the alert
 * at `index`: the interval is the gap to the nearest of them; walking back, an alert is on the chain when its gap to
 * the last alert on the chain is a whole multiple of the interval, within the jitter. Similar alerts off the
 * schedule are skipped, not counted.
 */
export function regularChain(index: number, similar: readonly number[]): number {
  if (similar.length === 0) return 0;
  const back = [...similar].sort((a, b) => b - a);
  const interval = index - back[0];
  if (!(interval > 0)) return 0;
  const jitter = Math.max(RECURRENCE_JITTER_STEPS, RECURRENCE_JITTER * interval);
  let onChain = 0;
  let next = index;
  for (const at of back) {
    const gap = next - at;
    const runs = Math.round(gap / interval);
    if (runs >= 1 && Math.abs(gap - runs * interval) <= jitter) {
      onChain++;
      next = at;
    }
  }
  return onChain;
}

export interface ReplicaStreamState extends Partial<BurstSizesState> {
  readonly index: number;
  readonly filled: number;
  /** Transformed inputs of the last shingleSize − 1 steps, oldest first. */
  readonly history: Float64Array;
  /** Raw values of the previous step (differencing transforms) and how many steps were learnt. */
  readonly previous: Float64Array;
  readonly seen: number;
  readonly corrections: number;
  /** Step of the last alert (or of the last anomalous step of its incident); null before any. */
  readonly lastAlertIndex: number | null;
  readonly lastAlertScore: number;
  /** Recent alerts: their steps, and their signed deviations (inputs per alert, concatenated). */
  readonly alertIndex: Float64Array;
  readonly alertDeviations: Float64Array;
  /** Anomalous flags of the last steps, newest in bit 0 (confirmation). */
  readonly anomalousBits: number;
  /** The metrics the current incident's alerts named, in order (absent in older states: none). */
  readonly incidentCauses?: number[];
  /** Step of the last recurrence withheld and not raised since (recurrencePersist); null or absent: none. */
  readonly withheldAt?: number | null;
  /** Recent steps scored above the threshold with a sharp change (pulses): their steps… (absent: none) */
  readonly edgeIndex?: Float64Array;
  /** …each one's change signs (−1, 0, 1 per metric, concatenated)… */
  readonly edgeSigns?: Float64Array;
  /** …and midpoints (per metric, concatenated). */
  readonly edgeMidpoints?: Float64Array;
}

/** A recent step scored above the threshold: its step and the sign of each metric's sharp change (0: none). */
export interface PulseEdge {
  readonly index: number;
  /** Per metric, the sign of its sharp change at the edge; cleared once it comes back. */
  readonly signs: Int8Array;
  /** Per metric with a sign, the midpoint of its change: the level it must stay beyond. */
  readonly midpoints: Float64Array;
}

/**
 * What one series (one replica of a container) carries between steps while its group's model (forest,
 * statistics, thresholder, seasonal view) is shared: its shingle, its previous raw values, its alert and
 * confirmation bookkeeping. Small (well under a kilobyte at 7 metrics): a replica that appears is scored from
 * its first full shingle, and one that disappears costs nothing once dropped.
 */
export class ReplicaStream {
  /** Steps processed (this series' own clock for repeats and recurrences). */
  index = 0;
  /** History values filled so far (a gap empties the shingle). */
  filled = 0;
  readonly history: Float64Array;
  readonly inputs: SeriesInputs;
  corrections = 0;
  lastAlertIndex = -Infinity;
  /** Step of the last recurrence withheld and not raised since (recurrencePersist). */
  withheldAt = -Infinity;
  lastAlertScore = 0;
  recentAlerts: RecentAlert[] = [];
  anomalousBits = 0;
  /** The metrics the current incident's alerts named (each at most once). */
  incidentCauses: number[] = [];
  /** Recent steps scored above the threshold with a sharp change, oldest first (pulseMaxSteps). */
  edges: PulseEdge[] = [];
  /** What this replica's metrics that rest at one value usually burst to (ignoreNearUsualBursts). */
  bursts: BurstSizes;

  constructor(
    readonly metrics: number,
    historyLength: number,
  ) {
    this.history = new Float64Array(historyLength);
    this.inputs = newSeriesInputs(metrics);
    this.bursts = new BurstSizes(metrics);
  }

  /** Empties the shingle (after a gap, a shingle must not span the hole). Alert bookkeeping stays. */
  resetShingle(): void {
    this.filled = 0;
  }

  /** Appends the transformed values `v` of a step to the history. */
  pushHistory(v: Float64Array): void {
    const h = this.history;
    if (h.length === 0) return;
    h.copyWithin(0, v.length);
    h.set(v, h.length - v.length);
  }

  /** Whether the history holds a full shingle's worth of earlier steps. */
  isShingled(): boolean {
    return this.filled >= this.history.length;
  }

  /**
   * Whether the alert at `index`, with signed `deviations` (actual − expected, in standard deviations per metric),
   * recurs: at least `recurrenceCount` of this series' alerts within `recurrenceHorizon` steps before it deviated
   * alike (in no metric by more than `recurrenceTolerance` of the larger deviation) and, with `recurrenceRegular`,
   * lie on a regular chain back from it ({@link regularChain}). Records the alert either way.
   */
  recurs(index: number, deviations: readonly number[], o: RecurrenceOptions): boolean {
    this.recentAlerts = this.recentAlerts.filter((a) => index - a.index <= o.recurrenceHorizon);
    const similar: number[] = [];
    for (const a of this.recentAlerts) {
      let size = 0;
      let diff = 0;
      for (let m = 0; m < deviations.length; m++) {
        size = Math.max(size, Math.abs(deviations[m]), Math.abs(a.deviations[m]));
        diff = Math.max(diff, Math.abs(deviations[m] - a.deviations[m]));
      }
      if (diff <= o.recurrenceTolerance * size) similar.push(a.index);
    }
    this.recentAlerts.push({ index, deviations: [...deviations] });
    if (this.recentAlerts.length > 4 * o.recurrenceCount + 4) this.recentAlerts.shift();
    return (o.recurrenceRegular ? regularChain(index, similar) : similar.length) >= o.recurrenceCount;
  }

  /**
   * Whether a recurrence withheld `steps − 1` steps ago has been anomalous at every step since, this one included:
   * then it is raised after all (recurrencePersist), and forgotten.
   */
  raisesWithheld(steps: number): boolean {
    const all = steps >= 32 ? 0xffffffff : (1 << steps) - 1;
    if (this.index - 1 - this.withheldAt !== steps - 1 || (this.anomalousBits & all) >>> 0 !== all >>> 0) return false;
    this.withheldAt = -Infinity;
    return true;
  }

  /**
   * How many steps the pulse lasted that the step at `index` ends (0: none), and the pulse bookkeeping of the step:
   * `values` are its raw values, `above` whether it scored above the threshold, and `signs` (read only when `above`)
   * the sign of each metric's sharp change (Preprocessor.sharpChanges). A pulse ends when a step scored above the
   * threshold takes a metric sharply back across the midpoint of a sharp change the other way at an edge `minSteps`
   * to `maxSteps` steps before it, the metric having stayed beyond that midpoint at every step between. An edge's
   * metric that comes back without that (sooner, or slowly) is forgotten, as are edges older than `maxSteps`; a step
   * scored above the threshold with a sharp change becomes an edge.
   */
  pulseEnds(index: number, values: ArrayLike<number>, signs: Int8Array, above: boolean, minSteps: number, maxSteps: number): number {
    // Most steps: nothing pending and nothing above the threshold.
    if (this.edges.length === 0 && !above) return 0;
    let ends = 0;
    const kept: PulseEdge[] = [];
    for (const e of this.edges) {
      if (index - e.index > maxSteps) continue;
      let alive = false;
      for (let m = 0; m < e.signs.length; m++) {
        const s = e.signs[m];
        if (s === 0) continue;
        if (s * (values[m] - e.midpoints[m]) > 0) {
          alive = true;
          continue;
        }
        if (above && signs[m] === -s && index - e.index >= minSteps) ends = Math.max(ends, index - e.index);
        e.signs[m] = 0;
      }
      if (alive) kept.push(e);
    }
    this.edges = kept;
    let sharp = false;
    if (above) for (let m = 0; m < signs.length && !sharp; m++) sharp = signs[m] !== 0;
    if (sharp) {
      const midpoints = new Float64Array(signs.length);
      for (let m = 0; m < signs.length; m++) midpoints[m] = signs[m] === 0 ? 0 : (this.inputs.previous[m] + values[m]) / 2;
      this.edges.push({ index, signs: Int8Array.from(signs), midpoints });
    }
    return ends;
  }

  /** Records whether the current step is anomalous and returns how many of the last `window` steps were. */
  markAnomalous(anomalous: boolean, window: number): number {
    this.anomalousBits = ((this.anomalousBits << 1) | (anomalous ? 1 : 0)) >>> 0;
    let bits = window >= 32 ? this.anomalousBits : this.anomalousBits & ((1 << window) - 1);
    let count = 0;
    while (bits !== 0) {
      bits &= bits - 1;
      count++;
    }
    return count;
  }

  /**
   * Records an alert (raised, or remembered as a recurrence) at step `index` with `score`, naming the metrics
   * `causes`: within `repeatWindow` steps of the incident's last alert or anomalous step they join that incident's
   * causes, else they start a new incident's.
   */
  noteAlert(index: number, score: number, causes: readonly number[], repeatWindow: number): void {
    const sameIncident = index - this.lastAlertIndex <= repeatWindow;
    if (!sameIncident) this.incidentCauses = [];
    for (const m of causes) if (m >= 0 && !this.incidentCauses.includes(m)) this.incidentCauses.push(m);
    this.lastAlertIndex = index;
    this.lastAlertScore = score;
  }

  toState(): ReplicaStreamState {
    const k = this.recentAlerts.length;
    const alertDeviations = new Float64Array(k * this.metrics);
    this.recentAlerts.forEach((a, i) => alertDeviations.set(a.deviations, i * this.metrics));
    return {
      index: this.index,
      filled: this.filled,
      history: Float64Array.from(this.history),
      previous: Float64Array.from(this.inputs.previous),
      seen: this.inputs.seen,
      corrections: this.corrections,
      lastAlertIndex: Number.isFinite(this.lastAlertIndex) ? this.lastAlertIndex : null,
      lastAlertScore: this.lastAlertScore,
      alertIndex: Float64Array.from(this.recentAlerts, (a) => a.index),
      alertDeviations,
      anomalousBits: this.anomalousBits,
      incidentCauses: [...this.incidentCauses],
      withheldAt: Number.isFinite(this.withheldAt) ? this.withheldAt : null,
      // Nothing learnt (the rule off, or no step scored yet): nothing saved, and restored as the fresh state it is.
      ...(this.bursts.learnt() ? this.bursts.toState() : {}),
      ...(this.edges.length > 0 ? { edgeIndex: Float64Array.from(this.edges, (e) => e.index), edgeSigns: Float64Array.from(this.edges.flatMap((e) => Array.from(e.signs))), edgeMidpoints: Float64Array.from(this.edges.flatMap((e) => Array.from(e.midpoints))) } : {}),
    };
  }

  /** Restores a series; `where` names it in errors. */
  static fromState(s: ReplicaStreamState, metrics: number, historyLength: number, where: string): ReplicaStream {
    const r = new ReplicaStream(metrics, historyLength);
    const counts = [s.index, s.filled, s.seen, s.corrections];
    if (!counts.every((c) => Number.isInteger(c) && c >= 0)) throw new Error(`${where}: index, filled, seen and corrections must be integers >= 0`);
    if (s.history.length !== historyLength) throw new Error(`${where}: history holds ${s.history.length} values, expected ${historyLength}`);
    if (s.previous.length !== metrics) throw new Error(`${where}: previous holds ${s.previous.length} values, expected ${metrics}`);
    if (s.alertDeviations.length !== s.alertIndex.length * metrics) throw new Error(`${where}: ${s.alertIndex.length} recent alerts need ${s.alertIndex.length * metrics} deviations, got ${s.alertDeviations.length}`);
    for (const a of [s.history, s.previous, s.alertIndex, s.alertDeviations]) if (!a.every(Number.isFinite)) throw new Error(`${where}: holds a value that is not a finite number`);
    if (s.lastAlertIndex !== null && !Number.isFinite(s.lastAlertIndex)) throw new Error(`${where}: lastAlertIndex must be a number or null`);
    if (s.withheldAt !== undefined && s.withheldAt !== null && !Number.isFinite(s.withheldAt)) throw new Error(`${where}: withheldAt must be a number or null`);
    r.index = s.index;
    r.filled = Math.min(s.filled, historyLength);
    r.history.set(s.history);
    r.inputs.previous.set(s.previous);
    r.inputs.seen = s.seen;
    r.corrections = s.corrections;
    r.lastAlertIndex = s.lastAlertIndex ?? -Infinity;
    r.withheldAt = s.withheldAt ?? -Infinity;
    r.lastAlertScore = s.lastAlertScore;
    r.recentAlerts = Array.from(s.alertIndex, (index, i) => ({ index, deviations: Array.from(s.alertDeviations.subarray(i * metrics, (i + 1) * metrics)) }));
    const causes = s.incidentCauses ?? [];
    if (!causes.every((m) => Number.isInteger(m) && m >= 0 && m < metrics) || new Set(causes).size !== causes.length) throw new Error(`${where}: incidentCauses must be distinct metric indexes below ${metrics}, got ${JSON.stringify(causes)}`);
    const edgeIndex = s.edgeIndex ?? new Float64Array(0);
    const edgeSigns = s.edgeSigns ?? new Float64Array(0);
    const edgeMidpoints = s.edgeMidpoints ?? new Float64Array(0);
    if (edgeSigns.length !== edgeIndex.length * metrics || edgeMidpoints.length !== edgeIndex.length * metrics) {
      throw new Error(`${where}: ${edgeIndex.length} pulse edges need ${edgeIndex.length * metrics} change signs and midpoints, got ${edgeSigns.length} and ${edgeMidpoints.length}`);
    }
    if (!edgeIndex.every(Number.isInteger) || !edgeSigns.every((x) => x === -1 || x === 0 || x === 1) || !edgeMidpoints.every(Number.isFinite)) {
      throw new Error(`${where}: pulse edges must be whole steps with change signs of -1, 0 or 1 and finite midpoints`);
    }
    r.edges = Array.from(edgeIndex, (index, i) => ({ index, signs: Int8Array.from(edgeSigns.subarray(i * metrics, (i + 1) * metrics)), midpoints: Float64Array.from(edgeMidpoints.subarray(i * metrics, (i + 1) * metrics)) }));
    r.anomalousBits = s.anomalousBits >>> 0;
    r.incidentCauses = [...causes];
    // A state saved before replicas learnt their bursts starts learning them now.
    const { burstSteps, restValue, lastValue, restShare, bursts, burstSize, burstLogMean, burstLogVar } = s;
    if ([burstSteps, restValue, lastValue, restShare, bursts, burstSize].some((p) => p !== undefined)) {
      if (burstSteps === undefined || restValue === undefined || lastValue === undefined || restShare === undefined || bursts === undefined || burstSize === undefined) {
        throw new Error(`${where}: burstSteps, restValue, lastValue, restShare, bursts and burstSize come together`);
      }
      r.bursts = BurstSizes.fromState({ burstSteps, restValue, lastValue, restShare, bursts, burstSize, burstLogMean, burstLogVar }, metrics, where);
    }
    return r;
  }
}
