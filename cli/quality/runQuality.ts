import { leaveOneSetOut, type LeaveOneSetOut } from "../../runtime/evaluation/leaveOneSetOut";
import { judgeChange, meanOverSets, type SeedSpread } from "../../runtime/evaluation/qualityScore";
import { CliError, EXIT_USAGE } from "../cliError";
import { candidateProfiles, SHIPPED, type Candidate } from "./candidatesFile";
import { locateSets } from "./qualitySets";
import type { CandidateReport } from "./renderQuality";
import { runQualityJobs, type QualityJob } from "./qualityJobs";
import { runDir, summariseSet, type SetSummary } from "./runQualitySet";

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
}

export interface QualityReport {
  readonly candidates: readonly CandidateReport[];
  /** With more than one candidate. */
  readonly leaveOneSetOut?: LeaveOneSetOut;
}

const normalisedBySet = (sets: readonly SetSummary[]): Record<string, SeedSpread> => Object.fromEntries(sets.map((s) => [s.set, s.normalised]));

/**
 * Runs every candidate over every chosen set at every seed, through `cad nab` + `cad evaluate` and `cad labelled
 * --baselines` (in this process, or `jobs` at once in worker threads), and sums the runs up per set, per candidate
 * and (with candidates) leave-one-set-out. `progress` receives a line as each run starts and ends, and the
 * runners' own lines. A candidate's seconds are its runs' seconds added up.
 */
export async function runQuality(o: QualityOptions, progress: (line: string) => void): Promise<QualityReport> {
  const sets = locateSets(o.datasets, o.sets);
  if (o.candidates.length > 1 && sets.length < 2) throw new CliError("--candidates needs at least two sets: leave-one-set-out chooses on the others and scores the one held out", EXIT_USAGE);
  const jobs: QualityJob[] = o.candidates.flatMap((candidate) => {
    const profiles = candidateProfiles(candidate);
    return sets.flatMap((set) =>
      o.seeds.map((seed): QualityJob => ({ set, seed, profile: set.kind === "nab" ? profiles.nab : profiles.labelled, out: runDir(o.out, candidate.name, set.name, seed), label: `${candidate.name} · ${set.name} · seed ${seed}` })),
    );
  });
  const runs = await runQualityJobs(jobs, o.jobs ?? 1, progress);
  const reports: CandidateReport[] = [];
  let at = 0;
  for (const candidate of o.candidates) {
    const summaries = sets.map((set) => {
      const mine = runs.slice(at, at + o.seeds.length);
      at += o.seeds.length;
      return summariseSet(set, candidate.name, mine);
    });
    const seconds = summaries.reduce((sum, s) => sum + s.seconds.values.reduce((a, b) => a + b, 0), 0);
    const normalised = meanOverSets(summaries.map((s) => s.normalised));
    const shipped = reports.find((r) => r.candidate === SHIPPED.name);
    const verdict = shipped && candidate.name !== SHIPPED.name ? judgeChange(normalisedBySet(shipped.sets), normalisedBySet(summaries)) : undefined;
    reports.push({ candidate: candidate.name, seeds: o.seeds, sets: summaries, normalised, seconds: Math.round(seconds * 1000) / 1000, ...(verdict ? { verdict } : {}) });
  }
  if (reports.length === 1) return { candidates: reports };
  const scores = reports.map((r) => ({ name: r.candidate, sets: Object.fromEntries(r.sets.map((s) => [s.set, s.normalised.mean])) }));
  return { candidates: reports, leaveOneSetOut: leaveOneSetOut(scores, SHIPPED.name) };
}

/** The JSON lines (docs/quality.md): per candidate one line per set, then its summary line; then leave-one-set-out. */
export function qualityJsonLines(r: QualityReport): string[] {
  const lines = r.candidates.flatMap((c) => [
    ...c.sets.map((s) => JSON.stringify(s)),
    JSON.stringify({ kind: "summary", candidate: c.candidate, sets: c.sets.map((s) => s.set), seeds: c.seeds, normalised: c.normalised, seconds: c.seconds, ...(c.verdict ? { verdict: c.verdict } : {}) }),
  ]);
  if (r.leaveOneSetOut) lines.push(JSON.stringify({ kind: "leaveOneSetOut", reference: SHIPPED.name, ...r.leaveOneSetOut }));
  return lines;
}
