import type { LeaveOneSetOut } from "../../runtime/evaluation/leaveOneSetOut";
import type { ResampledDifference } from "../../runtime/evaluation/pairedResample";
import type { ChangeVerdict, SeedSpread } from "../../runtime/evaluation/qualityScore";
import type { ResampledReport } from "./runQuality";
import type { BaselineName, SetSummary } from "./runQualitySet";

/** One candidate's results: a summary per set and the mean of their normalised scores (spread over seeds). */
export interface CandidateReport {
  readonly candidate: string;
  readonly seeds: readonly number[];
  readonly sets: readonly SetSummary[];
  readonly normalised: SeedSpread;
  /** Wall time of all its runs, seconds. */
  readonly seconds: number;
  /** Against the shipped settings (absent for "shipped" itself). */
  readonly verdict?: ChangeVerdict;
}

/** How the tables name the baselines (as `cad labelled` does). */
export const BASELINE_LABELS: Readonly<Record<BaselineName, string>> = {
  threeSigma: "3σ per metric",
  threeSigmaConsecutive: "3σ, 3 in a row",
  isolationForest: "iforest mean+3σ",
  isolationForestP995: "iforest p99.5",
};

const SET_WIDTH = 16;
const CELL = 9;

/** One table line: the set (on its first line only), what the figure is, the figure over seeds and its decimals. */
type Line = readonly [set: string, label: string, figure: SeedSpread | null, digits: number];

function setLines(s: SetSummary): Line[] {
  const figures: [string, SeedSpread | null, number][] =
    s.kind === "nab"
      ? [
          ["NAB standard (0–100)", s.standard, 2],
          ["NAB low FP", s.lowFP, 2],
          ["NAB low FN", s.lowFN, 2],
          [`windows found (of ${s.windows}, standard)`, s.found, 0],
          ["false positives (standard)", s.falsePositives, 0],
          ["NAB standard at its own alerts", s.atAlerts.standard, 2],
          ["windows found at its alerts", s.atAlerts.found, 0],
          ["false positives at its alerts", s.atAlerts.falsePositives, 0],
          ...(s.categories.length > 1 ? s.categories.map((c): [string, SeedSpread, number] => [`  raw score, ${c.category} (${c.windows} window${c.windows === 1 ? "" : "s"})`, c.raw, 2]) : []),
          ["normalised (standard / 100)", s.normalised, 3],
          ["seconds", s.seconds, 1],
        ]
      : [
          ["onset precision", s.onset.precision, 3],
          ["onset recall", s.onset.recall, 3],
          ["onset F1", s.onset.f1, 3],
          ["run F1 (each found run counted once)", s.onset.runF1, 3],
          [`labelled runs found (of ${s.runs})`, s.onset.runsFound, 0],
          ["false onsets per 1,000 steps", s.onset.falsePer1000, 2],
          ["event F1", s.eventF1, 3],
          ...(Object.keys(BASELINE_LABELS) as BaselineName[]).map((b): [string, SeedSpread, number] => [`baseline ${BASELINE_LABELS[b]}: onset F1${b === s.bestBaseline ? " *" : ""}`, s.baselines[b], 3]),
          [`onset F1 ÷ best baseline's (${BASELINE_LABELS[s.bestBaseline]})`, s.ratioToBest, 2],
          ["normalised (onset F1)", s.normalised, 3],
          ["seconds", s.seconds, 1],
        ];
  return figures.map(([label, figure, digits], i) => [i === 0 ? s.set : "", label, figure, digits]);
}

/** The table of one candidate: per set and figure, one column per seed, the mean and the spread (min–max). */
export function renderCandidate(r: CandidateReport): string {
  const lines: Line[] = [...r.sets.flatMap(setLines), ["all sets", "mean normalised score", r.normalised, 3]];
  const width = Math.max(...lines.map((l) => l[1].length));
  const format = ([set, label, s, digits]: Line): string => {
    const start = `${set.padEnd(SET_WIDTH)} ${label.padEnd(width)}`;
    if (s === null) return `${start} ${"n/a".padStart(CELL)}`;
    const f = (x: number) => x.toFixed(digits);
    return `${start} ${s.values.map((x) => f(x).padStart(CELL)).join(" ")} ${f(s.mean).padStart(CELL)}   ${f(s.min)}–${f(s.max)}`;
  };
  const labelled = r.sets.some((s) => s.kind === "labelled");
  return [
    `candidate "${r.candidate}", seeds ${r.seeds.join(", ")}`,
    `${"set".padEnd(SET_WIDTH)} ${"figure".padEnd(width)} ${r.seeds.map((s) => `seed ${s}`.padStart(CELL)).join(" ")} ${"mean".padStart(CELL)}   min–max`,
    ...lines.map(format),
    `(${labelled ? "* best baseline by mean onset F1; " : ""}${r.sets.length} set(s) × ${r.seeds.length} seed(s) in ${r.seconds.toFixed(0)} s)`,
  ].join("\n");
}

const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

function verdictText(v: ChangeVerdict | undefined): string {
  if (!v) return "(reference)";
  const confirmed = v.confirmedMeanDelta === v.meanDelta ? "" : `, ${signed(v.confirmedMeanDelta)} with labelled sets' rises confirmed by run F1`;
  if (v.keep) return `keep (mean ${signed(v.meanDelta)}${confirmed})`;
  // A mean that did not rise needs no word on how much of a rise run F1 confirms.
  const unconfirmed = v.meanDelta <= 0 ? "" : v.confirmedMeanDelta <= 0 ? `; ${signed(v.confirmedMeanDelta)} by run F1: the rise is onsets inside labelled runs already found` : confirmed;
  const reasons = [`mean ${signed(v.meanDelta)}${v.meanDelta > 0 ? "" : ", did not rise"}${unconfirmed}`, ...v.drops.map((d) => `${d.set} ${signed(-d.drop)} beyond its seed spread ${d.spread.toFixed(3)}`)];
  return `reject (${reasons.join("; ")})`;
}

/** Every candidate's mean normalised score per set and over sets, and the protocol's verdict against shipped. */
export function renderCandidates(reports: readonly CandidateReport[]): string {
  const sets = reports[0].sets.map((s) => s.set);
  const width = Math.max(12, ...reports.map((r) => r.candidate.length));
  const col = (s: string) => Math.max(7, s.length);
  return [
    "candidates: mean normalised score per set over the seeds; verdict by the protocol (docs/quality.md)",
    `${"candidate".padEnd(width)} ${sets.map((s) => s.padStart(col(s))).join(" ")} ${"mean".padStart(7)}  verdict against shipped`,
    ...reports.map((r) => `${r.candidate.padEnd(width)} ${r.sets.map((s) => s.normalised.mean.toFixed(3).padStart(col(s.set))).join(" ")} ${r.normalised.mean.toFixed(3).padStart(7)}  ${verdictText(r.verdict)}`),
  ].join("\n");
}

/** The leave-one-set-out table: per held-out set, the candidate chosen on the others and both held-out scores. */
export function renderLeaveOneSetOut(l: LeaveOneSetOut): string {
  const width = Math.max(12, ...l.rows.map((r) => r.pick.length));
  return [
    "leave-one-set-out: the candidate with the best mean normalised score on the other sets, scored on the held-out set",
    "(a labelled set's rise over shipped counted only as far as its run F1 rose too, as in the verdict)",
    `${"held out".padEnd(SET_WIDTH)} ${"pick".padEnd(width)} ${"others".padStart(7)} ${"pick".padStart(7)} ${"shipped".padStart(7)}`,
    ...l.rows.map((r) => `${r.heldOut.padEnd(SET_WIDTH)} ${r.pick.padEnd(width)} ${r.pickOthers.toFixed(3).padStart(7)} ${r.pickHeldOut.toFixed(3).padStart(7)} ${r.referenceHeldOut.toFixed(3).padStart(7)}`),
    `overall pick: "${l.overall.pick}", mean ${l.overall.mean.toFixed(3)} over all sets (shipped ${l.overall.referenceMean.toFixed(3)})`,
  ].join("\n");
}

/**
 * The resampled comparison: per candidate and set (and the mean over sets), the difference from shipped as
 * measured, the middle 90 % of its resamples and the share of resamples where the candidate scored higher.
 */
export function renderResampled(r: ResampledReport): string {
  const sets = Object.keys(r.blocks);
  const width = Math.max(12, ...r.comparisons.map((c) => c.candidate.length));
  const setWidth = Math.max(SET_WIDTH, "mean over sets".length);
  const row = (candidate: string, set: string, d: ResampledDifference): string =>
    `${candidate.padEnd(width)} ${set.padEnd(setWidth)} ${signed(d.observed).padStart(10)}   [${signed(d.low)}, ${signed(d.high)}] ${`${(100 * d.pHigher).toFixed(1)} %`.padStart(8)}`;
  return [
    `resampled: each set cut into blocks of ${r.blockSteps.toLocaleString("en-US")} rows and drawn again with replacement ${r.resamples.toLocaleString("en-US")} times (${sets.map((s) => (r.draw[s] === "place" ? `${s} ${r.groups[s]} places of ${r.blocks[s]} blocks, the k-th block of every entity together` : `${s} ${r.blocks[s]} blocks`)).join("; ")});`,
    `every candidate and seed scored on the same draws. The difference from ${r.reference} as measured, its 5th and 95th percentiles over the draws, and how often the candidate scored higher`,
    "(on a labelled set the smaller of the differences in onset F1 and in run F1, on every draw, as the verdict counts it)",
    `${"candidate".padEnd(width)} ${"set".padEnd(setWidth)} ${"difference".padStart(10)}   [5 %, 95 %]        higher`,
    ...r.comparisons.flatMap((c) => [...sets.map((s) => row(c.candidate, s, c.sets[s])), row(c.candidate, "mean over sets", c.mean)]),
  ].join("\n");
}

/**
 * Ours (shipped) against the reference run beside it (OpenSearch's detector, `--java-reference`): per set the mean
 * normalised score of each over the same seeds, the difference and, on labelled sets, run F1 too.
 */
export function renderReferenceComparison(shipped: CandidateReport, reference: CandidateReport): string {
  const rows = shipped.sets.map((s, i) => {
    const r = reference.sets[i];
    if (r?.set !== s.set) throw new Error(`the reference ran other sets (${reference.sets.map((x) => x.set).join(", ")}) than shipped (${shipped.sets.map((x) => x.set).join(", ")})`);
    const runF1 = s.kind === "labelled" && r.kind === "labelled" ? `   run F1 ${s.onset.runF1.mean.toFixed(3)} against ${r.onset.runF1.mean.toFixed(3)}` : "";
    return `${s.set.padEnd(SET_WIDTH)} ${s.normalised.mean.toFixed(3).padStart(8)} ${r.normalised.mean.toFixed(3).padStart(10)} ${signed(s.normalised.mean - r.normalised.mean).padStart(11)}${runF1}`;
  });
  return [
    `ours against ${reference.candidate} (OpenSearch AD's ThresholdedRandomCutForest, Java RCF 4.3, its real-time settings), same sets and seeds, this run: mean normalised score`,
    `${"set".padEnd(SET_WIDTH)} ${"shipped".padStart(8)} ${reference.candidate.padStart(10)} ${"difference".padStart(11)}`,
    ...rows,
    `${"all sets".padEnd(SET_WIDTH)} ${shipped.normalised.mean.toFixed(3).padStart(8)} ${reference.normalised.mean.toFixed(3).padStart(10)} ${signed(shipped.normalised.mean - reference.normalised.mean).padStart(11)}`,
  ].join("\n");
}
