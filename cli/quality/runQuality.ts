import { leaveOneSetOut, type LeaveOneSetOut } from "../../runtime/evaluation/leaveOneSetOut";
import { judgeChange, meanOverSets, type SeedSpread } from "../../runtime/evaluation/qualityScore";
import { CliError, EXIT_USAGE } from "../cliError";
import { candidateProfiles, SHIPPED, type Candidate } from "./candidatesFile";
import { locateSets } from "./qualitySets";
import type { CandidateReport } from "./renderQuality";
import { runDir, runSetOnce, summariseSet, type SeedRun, type SetSummary } from "./runQualitySet";

export interface QualityOptions {
  /** Folder holding the sets (nab-dev/, kpi-dev/, jumpstarter-dev/, smd-dev/). */
  readonly datasets: string;
  readonly sets: readonly string[];
  readonly seeds: readonly number[];
  /** Per-run outputs: `<out>/<candidate>/<set>/seed-<n>/`. */
  readonly out: string;
  /** Every candidate runs every set at every seed; the one named "shipped" (first) is the reference the others are judged against. */
  readonly candidates: readonly Candidate[];
}

export interface QualityReport {
  readonly candidates: readonly CandidateReport[];
  /** With more than one candidate. */
  readonly leaveOneSetOut?: LeaveOneSetOut;
}

const normalisedBySet = (sets: readonly SetSummary[]): Record<string, SeedSpread> => Object.fromEntries(sets.map((s) => [s.set, s.normalised]));

/**
 * Runs every candidate over every chosen set at every seed, in-process through `cad nab` + `cad evaluate` and
 * `cad labelled --baselines`, and sums the runs up per set, per candidate and (with candidates) leave-one-set-out.
 * `progress` receives a line as each run starts and ends, and the runners' own lines.
 */
export function runQuality(o: QualityOptions, progress: (line: string) => void): QualityReport {
  const sets = locateSets(o.datasets, o.sets);
  if (o.candidates.length > 1 && sets.length < 2) throw new CliError("--candidates needs at least two sets: leave-one-set-out chooses on the others and scores the one held out", EXIT_USAGE);
  const total = o.candidates.length * sets.length * o.seeds.length;
  let done = 0;
  const reports: CandidateReport[] = [];
  for (const candidate of o.candidates) {
    const profiles = candidateProfiles(candidate);
    const t0 = performance.now();
    const summaries = sets.map((set) => {
      const runs = o.seeds.map((seed): SeedRun => {
        const tag = `cad quality: [${++done}/${total}] ${candidate.name} · ${set.name} · seed ${seed}`;
        progress(`${tag} …`);
        const run = runSetOnce(set, seed, set.kind === "nab" ? profiles.nab : profiles.labelled, runDir(o.out, candidate.name, set.name, seed), progress);
        const figure = run.kind === "nab" ? `standard ${run.standard.toFixed(2)}` : `onset F1 ${run.onset.f1.toFixed(3)}`;
        progress(`${tag}: ${figure} in ${run.seconds.toFixed(1)} s`);
        return run;
      });
      return summariseSet(set, candidate.name, runs);
    });
    const normalised = meanOverSets(summaries.map((s) => s.normalised));
    const shipped = reports.find((r) => r.candidate === SHIPPED.name);
    const verdict = shipped && candidate.name !== SHIPPED.name ? judgeChange(normalisedBySet(shipped.sets), normalisedBySet(summaries)) : undefined;
    reports.push({ candidate: candidate.name, seeds: o.seeds, sets: summaries, normalised, seconds: Math.round(performance.now() - t0) / 1000, ...(verdict ? { verdict } : {}) });
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
