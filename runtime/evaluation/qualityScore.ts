/**
 * The quality protocol's arithmetic (docs/quality.md), as pure functions of figures already measured: a figure
 * over seeds with its spread, the normalised score that puts every development set on one 0–1 scale, the mean
 * over sets, and whether a change is kept.
 */

/** A figure measured once per seed: its mean and spread (min–max), and the values in seed order. */
export interface SeedSpread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

export function seedSpread(values: readonly number[]): SeedSpread {
  if (values.length === 0) throw new Error("a seed spread needs at least one value");
  if (!values.every(Number.isFinite)) throw new Error(`seed values must be finite numbers, got [${values.join(", ")}]`);
  return { mean: values.reduce((s, x) => s + x, 0) / values.length, min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

/** Width of the spread (max − min): how much the figure moves with the seed alone. */
export function spreadWidth(s: SeedSpread): number {
  return s.max - s.min;
}

/**
 * What one run of a set scored, on the set's own measure: NAB's standard-profile score (0–100) for a
 * NAB-layout set, the detector's onset F1 (0–1) for a labelled set.
 */
export type SetScore = { readonly kind: "nab"; readonly standard: number } | { readonly kind: "labelled"; readonly onsetF1: number };

/** One 0–1 scale for every set: NAB standard / 100, labelled onset F1 as it is. */
export function normalisedScore(s: SetScore): number {
  return s.kind === "nab" ? s.standard / 100 : s.onsetF1;
}

/**
 * The mean over sets of their normalised scores, per seed: `perSet[k].values[i]` is set k's score at the i-th
 * seed. Its spread is over seeds (each seed's mean over the sets), its mean the mean of the sets' means.
 */
export function meanOverSets(perSet: readonly SeedSpread[]): SeedSpread {
  if (perSet.length === 0) throw new Error("the mean over sets needs at least one set");
  const seeds = perSet[0].values.length;
  if (perSet.some((s) => s.values.length !== seeds)) throw new Error(`every set needs the same number of seeds, got ${perSet.map((s) => s.values.length).join(", ")}`);
  return seedSpread(Array.from({ length: seeds }, (_, i) => perSet.reduce((sum, s) => sum + s.values[i], 0) / perSet.length));
}

/** A set on which a change lost more than the reference's own seed spread there. */
export interface SetDrop {
  readonly set: string;
  /** Reference mean − change mean (positive = worse). */
  readonly drop: number;
  /** The reference's seed spread on that set (max − min). */
  readonly spread: number;
}

export interface ChangeVerdict {
  /** Change's mean over sets − the reference's. */
  readonly meanDelta: number;
  /**
   * meanDelta with each labelled set's rise counted only as far as its run F1 (each found run once) rose too: the
   * rest of an onset F1 rise is onsets inside runs already found. Equal to meanDelta without run F1s.
   */
  readonly confirmedMeanDelta: number;
  readonly drops: readonly SetDrop[];
  /** The mean rose, also with labelled sets' rises confirmed by run F1, and no set dropped by more than its seed spread. */
  readonly keep: boolean;
}

/** Run F1 (onsetMetrics.ts) per labelled set, of the reference and of the change, over the same seeds. */
export interface RunF1BySet {
  readonly reference: Readonly<Record<string, SeedSpread>>;
  readonly change: Readonly<Record<string, SeedSpread>>;
}

/**
 * A labelled set's difference counted only as far as its run F1 moved too: the smaller of the two differences
 * (change − reference). A rise in onset F1 beyond the rise in run F1 is onsets inside labelled runs already found;
 * a fall counts as the larger of the two falls. The protocol's verdict, leave-one-set-out and the resampled
 * comparison all count a labelled set's change this way.
 */
export function confirmedDifference(scoreDelta: number, runF1Delta: number): number {
  return Math.min(scoreDelta, runF1Delta);
}

/**
 * Each set's mean normalised score of `change`, with every labelled set in `runF1` counted as the reference's
 * score plus the confirmed difference ({@link confirmedDifference}); other sets as measured. The reference against
 * itself gives its own scores back. What leave-one-set-out chooses on.
 */
export function confirmedScores(reference: Readonly<Record<string, SeedSpread>>, change: Readonly<Record<string, SeedSpread>>, runF1?: RunF1BySet): Record<string, number> {
  const sets = Object.keys(change);
  return Object.fromEntries(
    sets.map((set) => {
      const [r, c] = [runF1?.reference[set], runF1?.change[set]];
      if (!r && !c) return [set, change[set].mean];
      if (!r || !c || !(set in reference)) throw new Error(`run F1 for "${set}" needs the reference's and the change's, and the reference's score there`);
      return [set, reference[set].mean + confirmedDifference(change[set].mean - reference[set].mean, c.mean - r.mean)];
    }),
  );
}

/**
 * The protocol's rule: keep a change only if the mean of the normalised scores over all sets rises and no set's
 * mean drops by more than the reference's seed spread on that set. Both maps hold the same sets (normalised
 * score per set over the same seeds). With `runF1` (the labelled sets'), a labelled set's rise counts only as far
 * as its run F1 rose too: every onset inside a labelled run is a hit, so alerting again inside runs already found
 * raises onset F1 without finding anything (session 46 nearly shipped such a change).
 */
export function judgeChange(reference: Readonly<Record<string, SeedSpread>>, change: Readonly<Record<string, SeedSpread>>, runF1?: RunF1BySet): ChangeVerdict {
  const sets = Object.keys(reference);
  const missing = sets.filter((s) => !(s in change));
  if (missing.length > 0 || Object.keys(change).length !== sets.length) throw new Error(`the change must be measured on the reference's sets (${sets.join(", ")}), got ${Object.keys(change).join(", ")}`);
  const meanDelta = meanOverSets(sets.map((s) => change[s])).mean - meanOverSets(sets.map((s) => reference[s])).mean;
  const drops = sets
    .map((set) => ({ set, drop: reference[set].mean - change[set].mean, spread: spreadWidth(reference[set]) }))
    .filter((d) => d.drop > d.spread);
  let unconfirmed = 0;
  for (const set of Object.keys(runF1?.reference ?? {})) {
    const [r, c] = [runF1?.reference[set], runF1?.change[set]];
    if (!r || !c || !(set in reference)) throw new Error(`run F1 for "${set}" needs the reference's and the change's, on one of the judged sets (${sets.join(", ")})`);
    const delta = change[set].mean - reference[set].mean;
    unconfirmed += delta - confirmedDifference(delta, c.mean - r.mean);
  }
  const confirmedMeanDelta = meanDelta - unconfirmed / sets.length;
  return { meanDelta, confirmedMeanDelta, drops, keep: meanDelta > 0 && confirmedMeanDelta > 0 && drops.length === 0 };
}
