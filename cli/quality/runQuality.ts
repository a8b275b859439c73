import * as path from "node:path";
import { leaveOneSetOut, type LeaveOneSetOut } from "../../runtime/evaluation/leaveOneSetOut";
import { NAB_PROFILES } from "../../runtime/evaluation/nabScore";
import { blockGroups, pairedResample, type DrawMode, type ResampledComparison, type ResampledSet } from "../../runtime/evaluation/pairedResample";
import { nabUnitsScore, onsetUnitsScore, runUnitsScore } from "../../runtime/evaluation/scoreUnits";
import { confirmedScores, judgeChange, meanOverSets, type SeedSpread } from "../../runtime/evaluation/qualityScore";
import { CliError, EXIT_USAGE } from "../cliError";
import { candidateProfile, SHIPPED, type Candidate } from "./candidatesFile";
import { JAVA_REFERENCE, javaReferenceUnavailable, runJavaReferenceOnce } from "./javaTrcf";
import type { CandidateReport } from "./renderQuality";
import { runQualityJobs, type QualityJob } from "./qualityJobs";
import { locateSets, prepareYoungSets, type QualitySet } from "./qualitySets";
import { DEFAULT_BLOCK_STEPS, runDir, runScore, summariseSet, type SeedRun, type SetSummary } from "./runQualitySet";

export interface QualityOptions {
  /** Folder holding the sets (nab-dev/, kpi-dev/, jumpstarter-dev/, smd-dev/). */
  readonly datasets: string;
  readonly sets: readonly string[];
  readonly seeds: readonly number[];
  /** Per-run outputs: `<out>/<candidate>/<set>/seed-<n>/`. */
  readonly out: string;
  /** Every candidate runs every set at every seed; the one named "shipped" (first) is the reference the others are judged against. */
  readonly candidates: readonly Candidate[];
  /** Runs at once, each in a worker thread (default 1: one after another in this process). */
  readonly jobs?: number;
  /** With candidates: paired resamples of the sets' blocks (default {@link DEFAULT_RESAMPLES}; 0: none). */
  readonly resamples?: number;
  /** Rows per block (default DEFAULT_BLOCK_STEPS). */
  readonly blockSteps?: number;
  /** Sets whose k-th blocks (of every file or entity) are drawn together; every other set's blocks are drawn alone. */
  readonly byPlace?: readonly string[];
  /** Score the files an earlier run with the same `out`, candidates, sets and seeds left, instead of running the detector. */
  readonly rescore?: boolean;
  /** Also run OpenSearch's detector (Java ThresholdedRandomCutForest, cli/quality/javaTrcf.ts) over the same sets and seeds: `<out>/java-trcf/`. */
  readonly javaReference?: boolean;
}

/** Where under `out` the young NAB-layout sets' pieces are written: `<out>/young-sets/<set>/`. */
export const YOUNG_SETS_DIR = "young-sets";

/** Paired resamples `cad quality --candidates` draws by default (--resamples). */
export const DEFAULT_RESAMPLES = 1000;
/** The resamples' seed: the same draws on every run, so two runs of the same candidates report the same figures. */
const RESAMPLE_SEED = 1;

/** Every candidate against shipped over paired resamples of each set's blocks (runtime/evaluation/pairedResample.ts). */
export interface ResampledReport {
  readonly reference: string;
  readonly resamples: number;
  readonly blockSteps: number;
  /** Per set: "block" (each block drawn alone) or "place" (the k-th block of every file or entity together). */
  readonly draw: Readonly<Record<string, DrawMode>>;
  /** Blocks per set. */
  readonly blocks: Readonly<Record<string, number>>;
  /** What a draw takes from each set: as many of these groups as the set has (its blocks with "block", its places with "place"). */
  readonly groups: Readonly<Record<string, number>>;
  readonly comparisons: readonly ResampledComparison[];
}

export interface QualityReport {
  readonly candidates: readonly CandidateReport[];
  /** With `javaReference`: OpenSearch's detector over the same sets and seeds, scored the same way (judged by nothing: a reference). */
  readonly reference?: CandidateReport;
  /** With more than one candidate. */
  readonly leaveOneSetOut?: LeaveOneSetOut;
  /** With more than one candidate and resamples > 0. */
  readonly resampled?: ResampledReport;
}

const normalisedBySet = (sets: readonly SetSummary[]): Record<string, SeedSpread> => Object.fromEntries(sets.map((s) => [s.set, s.normalised]));
const runF1BySet = (sets: readonly SetSummary[]): Record<string, SeedSpread> => Object.fromEntries(sets.flatMap((s) => (s.kind === "labelled" ? [[s.set, s.onset.runF1]] : [])));

/**
 * Runs every candidate over every chosen set at every seed, through `cad nab` + `cad evaluate` and `cad labelled
 * --baselines` (in this process, or `jobs` at once in worker threads), and sums the runs up per set, per candidate
 * and (with candidates) leave-one-set-out. `progress` receives a line as each run starts and ends, and the
 * runners' own lines. A candidate's seconds are its runs' seconds added up.
 */
export async function runQuality(o: QualityOptions, progress: (line: string) => void): Promise<QualityReport> {
  const sets = locateSets(o.datasets, o.sets, path.join(o.out, YOUNG_SETS_DIR));
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const blockSteps = o.blockSteps ?? DEFAULT_BLOCK_STEPS;
  if (!Number.isInteger(resamples) || resamples < 0) throw new CliError(`resamples must be a whole number (0 for none), got ${resamples}`, EXIT_USAGE);
  if (!Number.isInteger(blockSteps) || blockSteps < 1) throw new CliError(`block steps must be a whole number of at least 1, got ${blockSteps}`, EXIT_USAGE);
  const unmeasured = (o.byPlace ?? []).filter((s) => !sets.some((set) => set.name === s));
  if (unmeasured.length > 0) throw new CliError(`--by-place names ${unmeasured.join(", ")}, which this run does not measure (sets: ${sets.map((s) => s.name).join(", ")})`, EXIT_USAGE);
  if (o.candidates.length > 1 && sets.length < 2) throw new CliError("--candidates needs at least two sets: leave-one-set-out chooses on the others and scores the one held out", EXIT_USAGE);
  if (o.javaReference && o.candidates.some((c) => c.name === JAVA_REFERENCE)) throw new CliError(`--java-reference runs as "${JAVA_REFERENCE}": name the candidate otherwise`, EXIT_USAGE);
  if (o.candidates.some((c) => c.name === YOUNG_SETS_DIR)) throw new CliError(`a candidate may not be named "${YOUNG_SETS_DIR}": <out>/${YOUNG_SETS_DIR}/ holds the young sets' pieces`, EXIT_USAGE);
  const youngLabelled = sets.filter((s) => s.kind === "labelled" && s.young !== undefined).map((s) => s.name);
  if (o.javaReference && youngLabelled.length > 0) throw new CliError(`--java-reference runs no young services (${youngLabelled.join(", ")}): OpenSearch's detector is run on the labelled sets' whole train parts only; its young NAB-layout sets run`, EXIT_USAGE);
  const javaWhyNot = o.javaReference ? javaReferenceUnavailable() : null;
  if (javaWhyNot !== null) throw new CliError(`--java-reference: ${javaWhyNot}`, EXIT_USAGE);
  // A young NAB-layout set's pieces are cut again for every run (rescore too): the same data always cuts the same way.
  prepareYoungSets(sets, progress);
  const jobs: QualityJob[] = o.candidates.flatMap((candidate) => {
    const profile = candidateProfile(candidate);
    return sets.flatMap((set) =>
      o.seeds.map((seed): QualityJob => ({ set, seed, profile, out: runDir(o.out, candidate.name, set.name, seed), label: `${candidate.name} · ${set.name} · seed ${seed}`, blockSteps, rescore: o.rescore === true })),
    );
  });
  const runs = await runQualityJobs(jobs, o.jobs ?? 1, progress);
  const reports: CandidateReport[] = [];
  // byCandidate[c][k]: candidate c's runs of set k, in seed order.
  const byCandidate: SeedRun[][][] = [];
  let at = 0;
  for (const candidate of o.candidates) {
    const mineBySet: SeedRun[][] = [];
    const summaries = sets.map((set) => {
      const mine = runs.slice(at, at + o.seeds.length);
      at += o.seeds.length;
      mineBySet.push(mine);
      return summariseSet(set, candidate.name, mine);
    });
    byCandidate.push(mineBySet);
    const seconds = summaries.reduce((sum, s) => sum + s.seconds.values.reduce((a, b) => a + b, 0), 0);
    const normalised = meanOverSets(summaries.map((s) => s.normalised));
    const shipped = reports.find((r) => r.candidate === SHIPPED.name);
    const verdict = shipped && candidate.name !== SHIPPED.name ? judgeChange(normalisedBySet(shipped.sets), normalisedBySet(summaries), { reference: runF1BySet(shipped.sets), change: runF1BySet(summaries) }) : undefined;
    reports.push({ candidate: candidate.name, seeds: o.seeds, sets: summaries, normalised, seconds: Math.round(seconds * 1000) / 1000, ...(verdict ? { verdict } : {}) });
  }
  const reference = o.javaReference ? await runReference(sets, o, blockSteps, progress) : undefined;
  const withReference = reference ? { reference } : {};
  if (reports.length === 1) return { candidates: reports, ...withReference };
  // Leave-one-set-out chooses on what the verdict counts: a labelled set's rise only as far as its run F1 rose too.
  const shipped = reports.find((r) => r.candidate === SHIPPED.name) ?? reports[0];
  const scores = reports.map((r) => ({ name: r.candidate, sets: confirmedScores(normalisedBySet(shipped.sets), normalisedBySet(r.sets), { reference: runF1BySet(shipped.sets), change: runF1BySet(r.sets) }) }));
  const resampled = resamples > 0 ? resampleCandidates(sets.map((s) => s.name), o.candidates.map((c) => c.name), byCandidate, { resamples, blockSteps, byPlace: o.byPlace ?? [] }) : undefined;
  return { candidates: reports, ...withReference, leaveOneSetOut: leaveOneSetOut(scores, SHIPPED.name), ...(resampled ? { resampled } : {}) };
}

/** OpenSearch's detector over every set and seed, `jobs` JVMs at once, summed up as a candidate's runs are. */
async function runReference(sets: readonly QualitySet[], o: QualityOptions, blockSteps: number, progress: (line: string) => void): Promise<CandidateReport> {
  const todo = sets.flatMap((set) => o.seeds.map((seed) => ({ set, seed })));
  const runs: SeedRun[] = new Array<SeedRun>(todo.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < todo.length; k = next++) {
      const { set, seed } = todo[k];
      const label = `${JAVA_REFERENCE} · ${set.name} · seed ${seed}`;
      progress(`cad quality: [reference ${k + 1}/${todo.length}] ${label} …`);
      runs[k] = await runJavaReferenceOnce(set, seed, runDir(o.out, JAVA_REFERENCE, set.name, seed), progress, blockSteps);
      progress(`cad quality: [reference ${k + 1}/${todo.length}] ${label}: normalised ${runScore(runs[k]).toFixed(3)} in ${runs[k].seconds.toFixed(1)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs ?? 1, todo.length) }, worker));
  const summaries = sets.map((set, i) => summariseSet(set, JAVA_REFERENCE, runs.slice(i * o.seeds.length, (i + 1) * o.seeds.length)));
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return { candidate: JAVA_REFERENCE, seeds: o.seeds, sets: summaries, normalised: meanOverSets(summaries.map((s) => s.normalised)), seconds: Math.round(seconds * 1000) / 1000 };
}

/** A run's normalised score on the blocks `picks` of its set. */
function unitScorer(run: SeedRun): (picks: readonly number[]) => number {
  return run.kind === "nab" ? (picks) => nabUnitsScore(run.units, picks, NAB_PROFILES.standard) : (picks) => onsetUnitsScore(run.units, picks);
}

type LabelledRun = Extract<SeedRun, { kind: "labelled" }>;
const isLabelled = (run: SeedRun): run is LabelledRun => run.kind === "labelled";

/** A labelled run's run F1 on the blocks `picks` of its set. */
function runF1Scorer(run: LabelledRun): (picks: readonly number[]) => number {
  return (picks) => runUnitsScore(run.units, picks);
}

/**
 * The paired resampling over every set's blocks. Every run of a set must hold the same blocks (the same data cut
 * the same way), and every block once must give the run's own normalised score.
 */
function resampleCandidates(
  setNames: readonly string[],
  candidates: readonly string[],
  byCandidate: readonly (readonly (readonly SeedRun[])[])[],
  o: { resamples: number; blockSteps: number; byPlace: readonly string[] },
): ResampledReport {
  const drawOf = (name: string): DrawMode => (o.byPlace.includes(name) ? "place" : "block");
  const resampledSets = setNames.map((name, k): ResampledSet => {
    const runs = byCandidate.flatMap((c) => c[k]);
    const places = runs[0].units.map((u) => u.block).join(",");
    if (runs.some((r) => r.units.map((u) => u.block).join(",") !== places)) throw new Error(`${name}: the runs cut the set into different blocks (${[...new Set(runs.map((r) => r.units.length))].join(", ")} blocks)`);
    const blocks = runs[0].units.length;
    const all = Array.from({ length: blocks }, (_, i) => i);
    for (const r of runs) {
      const whole = unitScorer(r)(all);
      const own = r.kind === "nab" ? r.standard / 100 : r.onset.f1;
      if (Math.abs(whole - own) > 1e-9) throw new Error(`${name}, seed ${r.seed}: the blocks score ${whole}, the run ${own}`);
      if (isLabelled(r) && Math.abs(runF1Scorer(r)(all) - r.onset.runF1) > 1e-9) throw new Error(`${name}, seed ${r.seed}: the blocks' run F1 is ${runF1Scorer(r)(all)}, the run's ${r.onset.runF1}`);
    }
    // A labelled set's difference counts only as far as its run F1 moved too, as in the verdict.
    const confirmers = runs.every(isLabelled) ? { confirmers: byCandidate.map((c) => c[k].filter(isLabelled).map(runF1Scorer)) } : {};
    return { name, blocks, groups: blockGroups(runs[0].units.map((u) => u.block), drawOf(name)), scorers: byCandidate.map((c) => c[k].map(unitScorer)), ...confirmers };
  });
  return {
    reference: SHIPPED.name,
    resamples: o.resamples,
    blockSteps: o.blockSteps,
    draw: Object.fromEntries(setNames.map((s) => [s, drawOf(s)])),
    blocks: Object.fromEntries(resampledSets.map((s) => [s.name, s.blocks])),
    groups: Object.fromEntries(resampledSets.map((s) => [s.name, s.groups?.length ?? s.blocks])),
    comparisons: pairedResample(resampledSets, candidates, SHIPPED.name, { resamples: o.resamples, seed: RESAMPLE_SEED }),
  };
}

/**
 * The JSON lines (docs/quality.md): per candidate one line per set, then its summary line; then the reference's,
 * the same way; then leave-one-set-out and the resampled comparison.
 */
export function qualityJsonLines(r: QualityReport): string[] {
  const lines = r.candidates.flatMap((c) => [
    ...c.sets.map((s) => JSON.stringify(s)),
    JSON.stringify({ kind: "summary", candidate: c.candidate, sets: c.sets.map((s) => s.set), seeds: c.seeds, normalised: c.normalised, seconds: c.seconds, ...(c.verdict ? { verdict: c.verdict } : {}) }),
  ]);
  if (r.reference) {
    const c = r.reference;
    lines.push(...c.sets.map((s) => JSON.stringify(s)), JSON.stringify({ kind: "summary", candidate: c.candidate, reference: true, sets: c.sets.map((s) => s.set), seeds: c.seeds, normalised: c.normalised, seconds: c.seconds }));
  }
  if (r.leaveOneSetOut) lines.push(JSON.stringify({ kind: "leaveOneSetOut", reference: SHIPPED.name, ...r.leaveOneSetOut }));
  if (r.resampled) lines.push(JSON.stringify({ kind: "resampled", ...r.resampled }));
  return lines;
}
