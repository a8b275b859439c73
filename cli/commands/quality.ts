import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { CliError, EXIT_USAGE } from "../cliError";
import { REPO_ROOT } from "../repoRoot";
import { OVERRIDE_NAMES } from "../quality/overrideNames";
import { ALL_SET_NAMES, defaultDatasetsDir, QUALITY_SET_NAMES, YOUNG_SUFFIX } from "../quality/qualitySets";
import type { QualityReport } from "../quality/runQuality";

/** A whole number from `min` to `max` for `flag`, or a usage error saying so. */
function wholeNumber(flag: string, value: string, min: number, max: number, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`${flag} must be a whole number from ${min} to ${max.toLocaleString("en-US")} (${what}), got "${value.slice(0, 80)}"`, EXIT_USAGE);
  return n;
}

/** `--resamples 1000`: paired resamples of the sets' blocks, 0 for none. */
export const parseResamples = (value: string): number => wholeNumber("--resamples", value, 0, 100_000, "paired resamples; 0 for none");

/** `--block-steps 1000`: rows per block. */
export const parseBlockSteps = (value: string): number => wholeNumber("--block-steps", value, 1, 10_000_000, "rows per block");

/** `--seeds 1,2,3`: distinct integers >= 0, in the order given. */
export function parseSeeds(value: string): number[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))) throw new CliError(`--seeds must be comma-separated integers >= 0 (e.g. 1,2,3), got "${value.slice(0, 80)}"`, EXIT_USAGE);
  const seeds = parts.map(Number);
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new CliError(`--seeds lists ${twice} twice`, EXIT_USAGE);
  return seeds;
}

/** `--jobs 2`: a whole number of runs at once, 1 to 16. */
export function parseJobs(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 16) throw new CliError(`--jobs must be a whole number from 1 to 16 (runs at once), got "${value.slice(0, 80)}"`, EXIT_USAGE);
  return n;
}

/** `--sets nab-dev,smd-dev` (or another option `flag` naming sets): known set names, listed in the tables' order whatever the order given. */
export function parseSets(value: string, flag = "--sets"): string[] {
  const names = value.split(",").map((p) => p.trim());
  const unknown = names.find((n) => !ALL_SET_NAMES.includes(n));
  if (unknown !== undefined) throw new CliError(`${flag}: unknown set "${unknown.slice(0, 80)}" (known: ${ALL_SET_NAMES.join(", ")})`, EXIT_USAGE);
  return ALL_SET_NAMES.filter((n) => names.includes(n));
}

/** The sets a run measures: `sets`, and with `young` each one's young set too (in table order, each once). */
export function withYoungSets(sets: readonly string[], young: boolean): string[] {
  const chosen = young ? [...sets, ...sets.filter((n) => !n.endsWith(YOUNG_SUFFIX)).map((n) => `${n}${YOUNG_SUFFIX}`)] : sets;
  return ALL_SET_NAMES.filter((n) => chosen.includes(n));
}

const HELP = `
What it runs, per candidate (the shipped settings first), per set, per seed — in this process, or with
--jobs N that many runs at once in worker threads, through the same functions the single commands call, with
the settings every deployment runs (CONTAINER_DETECTOR, plus a candidate's overrides):
  nab-dev, kpi-dev          NAB layout: cad nab (each file a container of one metric, as a deployment runs it),
                            then cad evaluate's scoring with the three NAB profiles (standard, low FP, low FN; 0-100)
  jumpstarter-dev, smd-dev  train/ test/ test_label/: cad labelled --baselines: onset
                            precision, recall and F1, false onsets per 1,000 steps, event F1, and the onset F1 of
                            the four baselines (3σ per metric, 3σ 3 in a row, isolation forest mean+3σ and p99.5)
  <set>-young               the same data as young series (--young, or by name in --sets): nab-dev and kpi-dev cut
                            into pieces of 2,000 rows starting 1,500 rows before a window (kpi-dev: every fourth
                            window), each piece a file of its own, under <out>/young-sets/; jumpstarter-dev and
                            smd-dev as cad labelled --young 720 runs them (pieces of 720 test rows, one every
                            180, each a new service with the 60 rows before it as its history)
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
apply on top of the shipped settings, on every set. "shipped" (no overrides) always runs first. After the candidates'
tables: each candidate's mean per set with the protocol's verdict, and leave-one-set-out — per held-out set,
the candidate with the best mean on the other sets, its held-out score next to shipped's — and the overall
pick; then a resampled comparison: each set's rows cut into blocks (--block-steps, default 1,000 rows of a file or
entity), drawn again with replacement (--resamples, default 1,000 draws, the same every run), every candidate and
seed scored on the same draws (NAB at each run's own threshold). Per candidate and set, and for the mean over sets:
the difference from shipped, its 5th-95th percentiles and how often the candidate scored higher. Seeds show how a
figure moves with the forest's randomness; the draws, how it would move with other stretches of the same data.
--by-place SETS: for sets whose entities share a clock (jumpstarter-dev's services), a draw takes the k-th block of
every entity at once: one incident labelled in several services is then one draw, not several. JSON line
{"kind":"resampled","reference","resamples","blockSteps","draw","blocks","groups","comparisons"}.

--java-reference: also run OpenSearch Anomaly Detection's detector — the Java ThresholdedRandomCutForest of
Random Cut Forest 4.3 (../shared/tools/java-rcf, or $CAD_JAVA_RCF; needs a JDK) with the settings OpenSearch AD gives a
real-time detector: shingle 8, 50 trees, sample 256, missing steps imputed — over the same sets and seeds, scored
by the same functions (NAB-layout: its anomaly grade is the NAB score; labelled: a step alerts where the grade is
above 0, after the train rows). Its table comes after the candidates', then ours against it per set; JSON lines
with "candidate":"java-trcf" and a summary line with "reference":true. It always runs (also with --rescore).
It runs the young NAB-layout sets, not the young labelled ones (it learns on a labelled set's whole train part).
Outputs in <out>/java-trcf/<set>/seed-<n>/. Per seed, two JVMs at once on 2 cores: nab-dev about 20 s, kpi-dev
and jumpstarter-dev 75-95 s, smd-dev about 3 minutes.

Settings a candidate may override:
  ${OVERRIDE_NAMES.join(", ").replace(/(.{1,100})(, |$)/g, "$1,\n  ").replace(/,\n {2}$/, "")}

Examples:
  npm run quality                                   all four sets, seeds 1,2,3 (about 4 minutes of runs on 2 cores)
  npm run quality -- --jobs 2                       the same, two runs at once (on 2 idle cores about half the time;
                                                    each run's seconds then count the time it shared the machine)
  npx cad quality --sets nab-dev --seeds 1          one set, one seed
  npx cad quality --candidates candidates.json --json > quality.json
  npx cad quality --candidates candidates.json --jobs 2 --by-place jumpstarter-dev
  npx cad quality --candidates candidates.json --rescore --by-place jumpstarter-dev   the same runs' files, scored again
  npm run quality -- --jobs 2 --java-reference      ours and OpenSearch's detector, all four sets, seeds 1,2,3
  npm run quality -- --jobs 2 --young               the four sets and their young sets (about twice as long)
  npx cad quality --sets nab-dev-young,kpi-dev-young --java-reference   young single series, both detectors
`;

export function qualityCommand(): Command {
  return new Command("quality")
    .description("run the shipped detector over the four development sets (NAB-layout and labelled) over several seeds and report each set, its seed spread and the mean normalised score; with --candidates, compare settings leave-one-set-out.")
    .option("--datasets <dir>", "folder holding nab-dev/, kpi-dev/, jumpstarter-dev/ and smd-dev/ (default: $CAD_DATASETS, else ../shared/datasets beside the repository)")
    .option("--sets <names>", `comma-separated sets to run (default: all of ${QUALITY_SET_NAMES.join(",")}; each also as <set>${YOUNG_SUFFIX}, see below)`, (v: string) => parseSets(v))
    .option("--young", "also run each chosen set's young set (<set>-young: the same data as young series, see below)")
    .option("--seeds <list>", "comma-separated seeds; each set runs once per seed (default: 1,2,3)", parseSeeds)
    .option("--out <dir>", "per-run outputs: <out>/<candidate>/<set>/seed-<n>/ (default: tmp/quality in the repository)")
    .option("--candidates <file>", "JSON list of {name, overrides} detector settings to compare with the shipped ones (see below)")
    .option("--jobs <n>", "runs at once, each in a worker thread (default 1: one after another); the figures are the same, the seconds per run longer", parseJobs)
    .option("--resamples <n>", "with --candidates: paired resamples of the sets' blocks for the resampled comparison; 0 for none (default 1000)", parseResamples)
    .option("--block-steps <n>", "rows per block the resampled comparison draws (default 1000)", parseBlockSteps)
    .option("--by-place <sets>", "sets whose k-th blocks of every file or entity the resampled comparison draws together (entities that share a clock; default: none, every block alone)", (v: string) => parseSets(v, "--by-place"))
    .option("--rescore", "do not run the detector: score again the files an earlier run left in --out (same candidates, sets and seeds; each run's settings are checked), e.g. with other --resamples, --block-steps or --by-place")
    .option("--java-reference", "also run OpenSearch AD's detector (Java ThresholdedRandomCutForest) over the same sets and seeds and compare (see below)")
    .option("--json", "print one JSON object {records: [the JSON lines' objects]} instead of the tables and lines")
    .addHelpText("after", HELP)
    .action(async (opts: { datasets?: string; sets?: string[]; seeds?: number[]; out?: string; candidates?: string; jobs?: number; resamples?: number; blockSteps?: number; byPlace?: string[]; rescore?: boolean; javaReference?: boolean; json?: boolean; young?: boolean }) => {
      // The detector and the candidates' schema load only when the command runs: --help stays quick.
      const [{ qualityJsonLines, runQuality }, { readCandidates, SHIPPED }, { renderCandidate, renderCandidates, renderLeaveOneSetOut, renderReferenceComparison, renderResampled }] = await Promise.all([
        import("../quality/runQuality"),
        import("../quality/candidatesFile"),
        import("../quality/renderQuality"),
      ]);
      let report: QualityReport;
      try {
        if (opts.candidates !== undefined && !fs.existsSync(opts.candidates)) throw new CliError(`--candidates ${opts.candidates} does not exist`, EXIT_USAGE);
        const comparisonOnly = [opts.resamples !== undefined && "--resamples", opts.blockSteps !== undefined && "--block-steps", opts.byPlace !== undefined && "--by-place"].filter((f): f is string => f !== false);
        if (opts.candidates === undefined && comparisonOnly.length > 0) throw new CliError(`${comparisonOnly.join(", ")}: the resampled comparison needs --candidates (without them there is nothing to compare with shipped)`, EXIT_USAGE);
        const candidates = opts.candidates === undefined ? [SHIPPED] : readCandidates(opts.candidates);
        report = await runQuality(
          {
            datasets: path.resolve(opts.datasets ?? defaultDatasetsDir(process.env, REPO_ROOT)),
            sets: withYoungSets(opts.sets ?? QUALITY_SET_NAMES, opts.young === true),
            seeds: opts.seeds ?? [1, 2, 3],
            out: path.resolve(opts.out ?? path.join(REPO_ROOT, "tmp", "quality")),
            candidates,
            jobs: opts.jobs ?? 1,
            ...(opts.resamples !== undefined ? { resamples: opts.resamples } : {}),
            ...(opts.blockSteps !== undefined ? { blockSteps: opts.blockSteps } : {}),
            ...(opts.byPlace !== undefined ? { byPlace: opts.byPlace } : {}),
            rescore: opts.rescore === true,
            javaReference: opts.javaReference === true,
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
      const reference = report.reference ? [renderCandidate(report.reference), renderReferenceComparison(report.candidates[0], report.reference)] : [];
      const tables = [...report.candidates.map(renderCandidate), ...reference, ...(report.leaveOneSetOut ? [renderCandidates(report.candidates), renderLeaveOneSetOut(report.leaveOneSetOut)] : []), ...(report.resampled ? [renderResampled(report.resampled)] : [])];
      process.stdout.write(`${tables.join("\n\n")}\n\n${json}\n`);
    });
}
