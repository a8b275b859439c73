/**
 * Leave-one-set-out selection (docs/quality.md): for each development set, choose the candidate settings on the
 * other sets only and see how that choice does on the set it never saw, next to the shipped settings. A choice
 * that only wins where it was chosen shows up as a held-out score below the shipped one.
 */

/** One candidate's mean normalised score (0–1, over seeds) per set. */
export interface CandidateScores {
  readonly name: string;
  readonly sets: Readonly<Record<string, number>>;
}

export interface HeldOutRow {
  readonly heldOut: string;
  /** The candidate with the best mean over the other sets. */
  readonly pick: string;
  /** That candidate's mean over the other sets. */
  readonly pickOthers: number;
  readonly pickHeldOut: number;
  readonly referenceHeldOut: number;
}

export interface LeaveOneSetOut {
  readonly rows: readonly HeldOutRow[];
  /** The candidate with the best mean over all sets, and the reference's mean over all sets. */
  readonly overall: { readonly pick: string; readonly mean: number; readonly referenceMean: number };
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The candidate with the highest mean over `sets`; on a tie the earlier one (list the reference first to prefer it). */
function best(candidates: readonly CandidateScores[], sets: readonly string[]): { name: string; mean: number } {
  let pick = { name: candidates[0].name, mean: mean(sets.map((s) => candidates[0].sets[s])) };
  for (const c of candidates.slice(1)) {
    const m = mean(sets.map((s) => c.sets[s]));
    if (m > pick.mean) pick = { name: c.name, mean: m };
  }
  return pick;
}

/**
 * For each set (in the order of the first candidate's sets) the best candidate on the others, and the overall
 * pick. Every candidate must hold a score for every set, `reference` must be one of them, and there must be at
 * least two sets (one to choose on, one to hold out).
 */
export function leaveOneSetOut(candidates: readonly CandidateScores[], reference: string): LeaveOneSetOut {
  const ref = candidates.find((c) => c.name === reference);
  if (!ref) throw new Error(`the reference candidate "${reference}" is not among the candidates (${candidates.map((c) => c.name).join(", ")})`);
  const sets = Object.keys(ref.sets);
  if (sets.length < 2) throw new Error(`leave-one-set-out needs at least two sets, got ${sets.length}`);
  for (const c of candidates) {
    const missing = sets.filter((s) => !Number.isFinite(c.sets[s]));
    if (missing.length > 0) throw new Error(`candidate "${c.name}" has no score for ${missing.join(", ")}`);
  }
  const rows = sets.map((heldOut): HeldOutRow => {
    const pick = best(candidates, sets.filter((s) => s !== heldOut));
    const picked = candidates.find((c) => c.name === pick.name) as CandidateScores;
    return { heldOut, pick: pick.name, pickOthers: pick.mean, pickHeldOut: picked.sets[heldOut], referenceHeldOut: ref.sets[heldOut] };
  });
  const overall = best(candidates, sets);
  return { rows, overall: { pick: overall.name, mean: overall.mean, referenceMean: mean(sets.map((s) => ref.sets[s])) } };
}
