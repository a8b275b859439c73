import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { leaveOneSetOut, type LeaveOneSetOut } from "../../runtime/evaluation/leaveOneSetOut";
import { judgeChange, meanOverSets, type SeedSpread } from "../../runtime/evaluation/qualityScore";
import { CliError, EXIT_USAGE } from "../cliError";
import { REPO_ROOT } from "../repoRoot";
import { candidateProfiles, OVERRIDE_NAMES, readCandidates, SHIPPED, type Candidate } from "../quality/candidatesFile";
import { defaultDatasetsDir, locateSets, QUALITY_SET_NAMES } from "../quality/qualitySets";
import { renderCandidate, renderCandidates, renderLeaveOneSetOut, type CandidateReport } from "../quality/renderQuality";
import { runDir, runSetOnce, summariseSet, type SeedRun, type SetSummary } from "../quality/runQualitySet";


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

/** `--seeds 1,2,3`: distinct integers >= 0, in the order given. */
export function parseSeeds(value: string): number[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))) throw new CliError(`--seeds must be comma-separated integers >= 0 (e.g. 1,2,3), got "${value.slice(0, 80)}"`, EXIT_USAGE);
  const seeds = parts.map(Number);
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new CliError(`--seeds lists ${twice} twice`, EXIT_USAGE);
  return seeds;
}

/** `--sets nab-dev,smd-dev`: known set names, listed in the tables' order whatever the order given. */
export function parseSets(value: string): string[] {
  const names = value.split(",").map((p) => p.trim());
  const unknown = names.find((n) => !QUALITY_SET_NAMES.includes(n));
  if (unknown !== undefined) throw new CliError(`--sets: unknown set "${unknown.slice(0, 80)}" (known: ${QUALITY_SET_NAMES.join(", ")})`, EXIT_USAGE);
  return QUALITY_SET_NAMES.filter((n) => names.includes(n));
}

const HELP = `
What it runs, per candidate (the shipped settings first), per set, per seed — in this process, through the
same functions the single commands call:
  nab-dev, kpi-dev          NAB layout: cad nab (SERIES_DETECTOR), then cad evaluate's scoring with the three
                            NAB profiles (standard, low FP, low FN; 0-100)
  jumpstarter-dev, smd-dev  train/ test/ test_label/: cad labelled --baselines (CONTAINER_DETECTOR): onset
                            precision, recall and F1, false onsets per 1,000 steps, event F1, and the onset F1 of
                            the four baselines (3σ per metric, 3σ 3 in a row, isolation forest mean+3σ and p99.5)
The datasets folder: --datasets, else $CAD_DATASETS, else ../shared/datasets beside the repository. It holds
nab-dev/ (with combined_windows.json), kpi-dev/ (data/ and labels/combined_windows.json), jumpstarter-dev/ and
smd-dev/ (each train/, test/, test_label/).

Normalised score (one 0-1 scale): NAB-layout set = standard score / 100; labelled set = the detector's onset F1.
The summary is the mean of the sets' normalised scores, with its spread over seeds (min-max).

Protocol (docs/quality.md): judge a change on all four sets over at least 3 seeds; keep it only if the mean of
the normalised scores rises and no set drops by more than its seed spread (shipped's max - min there).

Output: one table per candidate (per set and figure: each seed, mean, min-max, seconds per run), then one JSON
line per set ({"set","kind":"nab"|"labelled","candidate","seeds","normalised",<figures>,"seconds"}, every
figure {"mean","min","max","values"}), then a summary line ({"kind":"summary","candidate","sets","seeds",
"normalised","seconds"[,"verdict"]}). --json prints instead one JSON object {"records": [...]} holding those
objects, in the same order. Progress (set, seed) goes to stderr.

--candidates FILE: a JSON list of {"name": "...", "overrides": {<detector setting>: value}}; the overrides
apply on top of both shipped profiles. "shipped" (no overrides) always runs first. After the candidates'
tables: each candidate's mean per set with the protocol's verdict, and leave-one-set-out — per held-out set,
the candidate with the best mean on the other sets, its held-out score next to shipped's — and the overall
pick. Settings a candidate may override:
  ${OVERRIDE_NAMES.join(", ").replace(/(.{1,100})(, |$)/g, "$1,\n  ").replace(/,\n {2}$/, "")}

Examples:
  npm run quality                                   all four sets, seeds 1,2,3 (about 15-20 minutes on 2 cores)
  npx cad quality --sets nab-dev --seeds 1          one set, one seed
  npx cad quality --candidates candidates.json --json > quality.json
`;

export function qualityCommand(): Command {
  return new Command("quality")
    .description("run the shipped detector over the four development sets (NAB-layout and labelled) over several seeds and report each set, its seed spread and the mean normalised score; with --candidates, compare settings leave-one-set-out.")
    .option("--datasets <dir>", "folder holding nab-dev/, kpi-dev/, jumpstarter-dev/ and smd-dev/ (default: $CAD_DATASETS, else ../shared/datasets beside the repository)")
    .option("--sets <names>", `comma-separated sets to run (default: all of ${QUALITY_SET_NAMES.join(",")})`, parseSets)
    .option("--seeds <list>", "comma-separated seeds; each set runs once per seed (default: 1,2,3)", parseSeeds)
    .option("--out <dir>", "per-run outputs: <out>/<candidate>/<set>/seed-<n>/ (default: tmp/quality in the repository)")
    .option("--candidates <file>", "JSON list of {name, overrides} detector settings to compare with the shipped ones (see below)")
    .option("--json", "print one JSON object {records: [the JSON lines' objects]} instead of the tables and lines")
    .addHelpText("after", HELP)
    .action((opts: { datasets?: string; sets?: string[]; seeds?: number[]; out?: string; candidates?: string; json?: boolean }) => {
      let report: QualityReport;
      try {
        if (opts.candidates !== undefined && !fs.existsSync(opts.candidates)) throw new CliError(`--candidates ${opts.candidates} does not exist`, EXIT_USAGE);
        const candidates = opts.candidates === undefined ? [SHIPPED] : readCandidates(opts.candidates);
        report = runQuality(
          {
            datasets: path.resolve(opts.datasets ?? defaultDatasetsDir(process.env, REPO_ROOT)),
            sets: opts.sets ?? QUALITY_SET_NAMES,
            seeds: opts.seeds ?? [1, 2, 3],
            out: path.resolve(opts.out ?? path.join(REPO_ROOT, "tmp", "quality")),
            candidates,
          },
          (line) => process.stderr.write(`${line}\n`),
        );
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      const lines = qualityJsonLines(report);
      if (opts.json) {
        process.stdout.write(`{"records":[${lines.join(",")}]}\n`);
        return;
      }
      const json = lines.join("\n");
      const tables = [...report.candidates.map(renderCandidate), ...(report.leaveOneSetOut ? [renderCandidates(report.candidates), renderLeaveOneSetOut(report.leaveOneSetOut)] : [])];
      process.stdout.write(`${tables.join("\n\n")}\n\n${json}\n`);
    });
}
