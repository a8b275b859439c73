import { Random } from "../model/random";
import { confirmedDifference } from "./qualityScore";

/**
 * How much a comparison between detector settings rests on the particular stretches of data the sets hold: a paired
 * bootstrap over each set's blocks (runtime/evaluation/scoreUnits.ts), drawn in groups (one block each, or every
 * entity's block at the same place together: {@link blockGroups}). Every resample draws, per set, as many groups
 * as the set has, with replacement, and scores every candidate at every seed on the same draw; a
 * candidate's score on a set is its mean over seeds, its overall score the mean over sets, as the protocol's.
 * Reported per candidate against the reference: how often it scored higher, and the middle 90 % of the
 * differences — per set and for the mean over sets. Seeds say how much a figure moves with the forest's random
 * cuts; this says how much it would move with other data of the same kind (within the set's files: blocks of one
 * file are alike, so the spread between kinds of data the set does not hold is not in it).
 */

/** One set: per candidate (in `candidates` order), per seed, the score of a draw of block indexes (0..blocks − 1). */
export interface ResampledSet {
  readonly name: string;
  readonly blocks: number;
  /** What a draw takes at once: block indexes, each block in exactly one group (default: every block alone). */
  readonly groups?: readonly (readonly number[])[];
  /** scorers[c][s](picks): candidate c's normalised score at its s-th seed on the blocks `picks`. */
  readonly scorers: readonly (readonly ((picks: readonly number[]) => number)[])[];
  /**
   * A second score a difference must also show, in the same shape (a labelled set's run F1): a candidate's
   * difference on the set is then the smaller of the two differences, on every draw and as measured
   * (confirmedDifference in qualityScore.ts, as the protocol's verdict counts it).
   */
  readonly confirmers?: readonly (readonly ((picks: readonly number[]) => number)[])[];
}

/** A difference (candidate − reference) over the resamples. */
export interface ResampledDifference {
  /** The difference on the sets as they are (every block once). */
  readonly observed: number;
  /** Share of resamples where the candidate scored higher (a tie counts half). */
  readonly pHigher: number;
  /** The 5th and 95th percentiles of the difference. */
  readonly low: number;
  readonly high: number;
}

export interface ResampledComparison {
  readonly candidate: string;
  readonly sets: Readonly<Record<string, ResampledDifference>>;
  readonly mean: ResampledDifference;
}

export interface ResampleOptions {
  readonly resamples: number;
  readonly seed: number;
}

/** The q-quantile (0–1) of sorted `xs`, linearly interpolated. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("a quantile needs at least one value");
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function summarise(observed: number, diffs: readonly number[]): ResampledDifference {
  const sorted = [...diffs].sort((a, b) => a - b);
  const higher = diffs.reduce((s, d) => s + (d > 0 ? 1 : d === 0 ? 0.5 : 0), 0);
  return { observed, pHigher: higher / diffs.length, low: quantile(sorted, 0.05), high: quantile(sorted, 0.95) };
}

/** How blocks are drawn: each alone, or all blocks at the same place in their file or entity together. */
export type DrawMode = "block" | "place";

/**
 * The groups a draw takes, given each block's place in its file or entity (`places[i]` for block i): "block" — every
 * block alone; "place" — the blocks at the same place together (the k-th block of every file or entity), so that an
 * incident labelled in several entities at the same time is one draw, not several.
 */
export function blockGroups(places: readonly number[], mode: DrawMode): number[][] {
  if (mode === "block") return places.map((_, i) => [i]);
  const byPlace = new Map<number, number[]>();
  places.forEach((p, i) => {
    const group = byPlace.get(p);
    if (group) group.push(i);
    else byPlace.set(p, [i]);
  });
  return [...byPlace.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

const meanOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Compares every candidate with `candidates[reference]` over `o.resamples` paired resamples of `sets` (seeded by
 * `o.seed` and the set's place in `sets`: the same draws every time, and a set's draws the same however the other
 * sets are drawn). Every set must score every candidate at the same number of seeds.
 */
export function pairedResample(sets: readonly ResampledSet[], candidates: readonly string[], reference: string, o: ResampleOptions): ResampledComparison[] {
  if (!Number.isInteger(o.resamples) || o.resamples < 1) throw new Error(`resamples must be an integer of at least 1, got ${o.resamples}`);
  const ref = candidates.indexOf(reference);
  if (ref < 0) throw new Error(`the reference candidate "${reference}" is not among the candidates (${candidates.join(", ")})`);
  if (sets.length === 0) throw new Error("a resampled comparison needs at least one set");
  for (const set of sets) {
    if (!Number.isInteger(set.blocks) || set.blocks < 1) throw new Error(`${set.name}: blocks must be an integer of at least 1, got ${set.blocks}`);
    if (set.groups) {
      const seen = set.groups.flat().sort((a, b) => a - b);
      if (set.groups.some((g) => g.length === 0) || seen.length !== set.blocks || seen.some((b, i) => b !== i)) throw new Error(`${set.name}: the groups must hold every block 0..${set.blocks - 1} exactly once, none empty`);
    }
    if (set.scorers.length !== candidates.length) throw new Error(`${set.name}: scores for ${set.scorers.length} candidates, expected ${candidates.length}`);
    if (set.scorers.some((s) => s.length === 0 || s.length !== set.scorers[0].length)) throw new Error(`${set.name}: every candidate needs the same number of seeds (at least one)`);
    if (set.confirmers && (set.confirmers.length !== candidates.length || set.confirmers.some((s, c) => s.length !== set.scorers[c].length))) {
      throw new Error(`${set.name}: the confirming scores need the scores' shape (${candidates.length} candidates × ${set.scorers[0].length} seeds)`);
    }
  }
  const score = (set: ResampledSet, c: number, picks: readonly number[]): number => meanOf(set.scorers[c].map((f) => f(picks)));
  /** Every candidate's difference from the reference on `picks` of `set`. */
  const differences = (set: ResampledSet, picks: readonly number[]): number[] => {
    const scores = candidates.map((_, c) => score(set, c, picks));
    const confirmers = set.confirmers;
    if (!confirmers) return scores.map((s) => s - scores[ref]);
    const confirming = confirmers.map((fs) => meanOf(fs.map((f) => f(picks))));
    return scores.map((s, c) => confirmedDifference(s - scores[ref], confirming[c] - confirming[ref]));
  };
  const everyBlock = sets.map((set) => Array.from({ length: set.blocks }, (_, i) => i));
  const groups = sets.map((set, k) => set.groups ?? everyBlock[k].map((i) => [i]));
  // observed[k][c]: candidate c − reference on set k as it is (every block once).
  const observed = sets.map((set, k) => differences(set, everyBlock[k]));
  // diffs[c][k][r]: candidate c − reference on set k in resample r.
  const diffs = candidates.map(() => sets.map(() => new Array<number>(o.resamples)));
  // One generator per set: a set's draws do not depend on how many groups the sets before it have.
  const randoms = sets.map((_, k) => new Random((o.seed * 0x9e3779b1 + k) >>> 0));
  for (let r = 0; r < o.resamples; r++) {
    sets.forEach((set, k) => {
      const g = groups[k];
      const random = randoms[k];
      const picks = Array.from({ length: g.length }, () => g[random.int(g.length)]).flat();
      differences(set, picks).forEach((d, c) => {
        diffs[c][k][r] = d;
      });
    });
  }
  return candidates
    .map((name, c): ResampledComparison | null => {
      if (c === ref) return null;
      const perSet = Object.fromEntries(sets.map((set, k) => [set.name, summarise(observed[k][c], diffs[c][k])]));
      const meanDiffs = Array.from({ length: o.resamples }, (_, r) => meanOf(sets.map((_, k) => diffs[c][k][r])));
      return { candidate: name, sets: perSet, mean: summarise(meanOf(sets.map((_, k) => observed[k][c])), meanDiffs) };
    })
    .filter((x): x is ResampledComparison => x !== null);
}
