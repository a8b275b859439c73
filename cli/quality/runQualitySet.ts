import * as fs from "node:fs";
import * as path from "node:path";
import type { DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { NAB_PROFILES } from "../../runtime/evaluation/nabScore";
import { normalisedScore, seedSpread, type SeedSpread } from "../../runtime/evaluation/qualityScore";
import { nabUnits, type NabUnit, type OnsetUnit } from "../../runtime/evaluation/scoreUnits";
import { runLabelled, type LabelledReport } from "../labelled/runLabelled";
import { loadResults } from "../nab/loadResults";
import { runNab } from "../nab/runNab";
import { scoreProfiles } from "../nab/scoreProfiles";
import type { QualitySet } from "./qualitySets";
import { checkManifest, writeManifest } from "./runManifest";

/** The labelled baselines `cad labelled --baselines` runs, in the order tables list them. */
export type BaselineName = keyof NonNullable<LabelledReport["baselines"]>;
export const BASELINE_NAMES: readonly BaselineName[] = ["threeSigma", "threeSigmaConsecutive", "isolationForest", "isolationForestP995"];

/** One NAB category of one run at the standard profile's threshold: its files' raw score (NAB's weighted sum) and windows. */
export interface CategoryRun {
  readonly category: string;
  readonly raw: number;
  readonly windows: number;
  readonly found: number;
}

/** NAB's standard profile at a detector's own decisions: its score, windows found and false positives. */
export interface AlertsRun {
  readonly standard: number;
  readonly found: number;
  readonly falsePositives: number;
}

/** Our detector's decisions in `cad nab`'s dense score: every alert scores 0.5 or more, every other step less. */
export const ALERT_SCORE = 0.5;

/** What one run of one set at one seed measured. NAB scores are 0–100; every other rate is a fraction. */
export type SeedRun =
  | {
      readonly kind: "nab";
      readonly seed: number;
      /** Wall time of the run and its scoring, seconds. */
      readonly seconds: number;
      readonly standard: number;
      readonly lowFP: number;
      readonly lowFN: number;
      /** Labelled windows, windows found and false positives at the standard profile's threshold. */
      readonly windows: number;
      readonly found: number;
      readonly falsePositives: number;
      /** Per category (the files' first folder, e.g. artificialWithAnomaly), at the standard profile's threshold. */
      readonly categories: readonly CategoryRun[];
      /**
       * The standard profile at the detector's own decisions instead of NAB's optimised threshold: what its alerts
       * alone score (ours: a dense score of 0.5 and up; OpenSearch's: any grade above 0).
       */
      readonly atAlerts: AlertsRun;
      /** The standard profile's score at its threshold, in blocks of `blockSteps` rows, file after file (runtime/evaluation/scoreUnits.ts). */
      readonly units: readonly NabUnit[];
    }
  | {
      readonly kind: "labelled";
      readonly seed: number;
      readonly seconds: number;
      readonly onset: { readonly precision: number; readonly recall: number; readonly f1: number; readonly falsePer1000: number; readonly runs: number; readonly runsFound: number; readonly runF1: number };
      readonly eventF1: number;
      /** Each baseline's onset F1 on the same split. */
      readonly baselines: Readonly<Record<BaselineName, number>>;
      /** The detector's onsets in blocks of `blockSteps` test rows, entity after entity. */
      readonly units: readonly OnsetUnit[];
    };

/** Rows per block when `cad quality` resamples a set's data (--block-steps): 1,000 steps, 3.5 days at NAB's 5 minutes. */
export const DEFAULT_BLOCK_STEPS = 1000;

/** Seconds since `t0` (a performance.now() reading), to the millisecond. */
const secondsSince = (t0: number): number => Math.round(performance.now() - t0) / 1000;

/**
 * Runs the detector with `profile` over one set at one seed, through the same functions `cad nab` + `cad
 * evaluate` and `cad labelled --baselines` call, writing their per-run files to `out` (emptied first, so no
 * result of an earlier run is scored) and a manifest of what produced them (runManifest.ts). `log` receives the
 * runners' own lines (repairs of the data). The run's score is also cut into blocks of `blockSteps` rows, for
 * resampling. With `rescore`, the detector does not run: the files an earlier run of the same set, seed and
 * settings left in `out` are scored again (the manifest is checked first), with the figures a fresh run gives.
 */
export function runSetOnce(set: QualitySet, seed: number, profile: DetectorProfile, out: string, log: (line: string) => void, blockSteps = DEFAULT_BLOCK_STEPS, rescore = false): SeedRun {
  if (rescore) checkManifest(out, set.name, seed, profile);
  else fs.rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const run = set.kind === "nab" ? scoreNab(set, seed, profile, out, log, blockSteps, rescore) : scoreLabelled(set, seed, profile, out, blockSteps, rescore);
  if (!rescore) writeManifest(out, set.name, seed, profile);
  return { ...run, seconds: secondsSince(t0) };
}

export type Unstamped<R> = R extends unknown ? Omit<R, "seconds"> : never;

function scoreNab(set: Extract<QualitySet, { kind: "nab" }>, seed: number, profile: DetectorProfile, out: string, log: (line: string) => void, blockSteps: number, rescore: boolean): Unstamped<NabRun> {
  const results = rescore ? path.join(out, "cad") : runNab({ data: set.data, out, mode: "streaming", detector: "cad", seed, profile }, log).outDir;
  return scoreNabResults(set, seed, results, log, blockSteps, rescore);
}

/**
 * Scores a NAB-layout set's results folder (`<category>/<detector>_<file>.csv`) as `cad evaluate` does, with the
 * figures `cad quality` reports. With `checkData`, every results file must have one row per data row (files not
 * written by this run: an earlier run's, or another detector's).
 */
export function scoreNabResults(set: Extract<QualitySet, { kind: "nab" }>, seed: number, results: string, log: (line: string) => void, blockSteps: number, checkData: boolean, alertScore = ALERT_SCORE): Unstamped<NabRun> {
  const loaded = loadResults({ results, windows: set.windows, ...(checkData ? { data: set.data } : {}) });
  if (loaded.unscored.length > 0) log(`cad quality: ${set.name}: ${loaded.unscored.length} labelled files have no results and are not scored (e.g. ${loaded.unscored[0]})`);
  const [standard, lowFP, lowFN] = scoreProfiles(loaded.files, ["standard", "reward_low_FP_rate", "reward_low_FN_rate"]);
  const sum = (key: "windows" | "found" | "falsePositives") => standard.categories.reduce((s, c) => s + c[key], 0);
  const units = loaded.files.flatMap((f) => nabUnits(f, NAB_PROFILES.standard, standard.threshold, blockSteps));
  const categories = standard.categories.map(({ category, raw, windows, found }) => ({ category, raw, windows, found }));
  const [alerts] = scoreProfiles(loaded.files, ["standard"], alertScore);
  const alertSum = (key: "found" | "falsePositives") => alerts.categories.reduce((s, c) => s + c[key], 0);
  const atAlerts = { standard: alerts.score, found: alertSum("found"), falsePositives: alertSum("falsePositives") };
  return { kind: "nab", seed, standard: standard.score, lowFP: lowFP.score, lowFN: lowFN.score, windows: sum("windows"), found: sum("found"), falsePositives: sum("falsePositives"), categories, atAlerts, units };
}

/**
 * Runs `cad labelled --baselines` (with a young set's `--young`) over a labelled set at `seed`, or with `rescore` scores the per-entity files
 * already in `out` (an earlier run's, or another detector's; `profile` is then unused), with the baselines beside.
 */
export function scoreLabelled(set: Extract<QualitySet, { kind: "labelled" }>, seed: number, profile: DetectorProfile | undefined, out: string, blockSteps: number, rescore: boolean): Unstamped<LabelledRun> {
  const r = runLabelled({ data: set.data, out, mode: "streaming", baselines: true, seed, profile, blockSteps, fromFiles: rescore, ...(set.young ? { young: set.young } : {}) });
  const { precision, recall, f1, falsePer1000, runs, runsFound, runF1 } = r.detector.onset;
  const base = r.baselines;
  if (!base) throw new Error(`${set.name}: cad labelled returned no baselines`);
  return {
    kind: "labelled",
    seed,
    onset: { precision, recall, f1, falsePer1000, runs, runsFound, runF1 },
    eventF1: r.detector.event.f1,
    baselines: Object.fromEntries(BASELINE_NAMES.map((b) => [b, base[b].onset.f1])) as Record<BaselineName, number>,
    units: r.onsetUnits ?? [],
  };
}

/** The normalised score (0–1) of one run: NAB standard / 100, or the detector's onset F1. */
export function runScore(r: SeedRun): number {
  return normalisedScore(r.kind === "nab" ? { kind: "nab", standard: r.standard } : { kind: "labelled", onsetF1: r.onset.f1 });
}

interface SetSummaryBase {
  readonly set: string;
  readonly candidate: string;
  readonly seeds: readonly number[];
  /** The set's normalised score (NAB standard / 100, or onset F1) per seed. */
  readonly normalised: SeedSpread;
}

/**
 * One set over all seeds: the JSON line `cad quality` prints per set (docs/quality.md) and what its table shows.
 * Every figure is a {@link SeedSpread} over the seeds, in seed order.
 */
export type SetSummary =
  | (SetSummaryBase & {
      readonly kind: "nab";
      readonly standard: SeedSpread;
      readonly lowFP: SeedSpread;
      readonly lowFN: SeedSpread;
      readonly windows: number;
      readonly found: SeedSpread;
      readonly falsePositives: SeedSpread;
      /** Per category, NAB's raw standard score of its files at each run's threshold: where the set's score comes from (synthetic or real files). */
      readonly categories: readonly { readonly category: string; readonly windows: number; readonly raw: SeedSpread; readonly found: SeedSpread }[];
      /** The standard profile at the detector's own decisions (its alerts alone), not NAB's optimised threshold. */
      readonly atAlerts: { readonly standard: SeedSpread; readonly found: SeedSpread; readonly falsePositives: SeedSpread };
      readonly seconds: SeedSpread;
    })
  | (SetSummaryBase & {
      readonly kind: "labelled";
      readonly onset: { readonly precision: SeedSpread; readonly recall: SeedSpread; readonly f1: SeedSpread; readonly falsePer1000: SeedSpread; readonly runsFound: SeedSpread; readonly runF1: SeedSpread };
      readonly runs: number;
      readonly eventF1: SeedSpread;
      readonly baselines: Readonly<Record<BaselineName, SeedSpread>>;
      /** The baseline with the highest mean onset F1, and the detector's onset F1 over it per seed (null when that baseline scored 0 at some seed). */
      readonly bestBaseline: BaselineName;
      readonly ratioToBest: SeedSpread | null;
      readonly seconds: SeedSpread;
    });

type NabRun = Extract<SeedRun, { kind: "nab" }>;
type LabelledRun = Extract<SeedRun, { kind: "labelled" }>;

const over = <R>(runs: readonly R[], figure: (r: R) => number): SeedSpread => seedSpread(runs.map(figure));

/** Sums one set's seed runs up (the runs in seed order, all of the set's kind). */
export function summariseSet(set: QualitySet, candidate: string, runs: readonly SeedRun[]): SetSummary {
  // "set" and "kind" lead the JSON line; the rest follows in reading order.
  const base = { candidate, seeds: runs.map((r) => r.seed), normalised: over(runs, runScore) };
  if (set.kind === "nab") {
    if (!runs.every((r): r is NabRun => r.kind === "nab")) throw new Error(`${set.name}: expected NAB runs`);
    return {
      set: set.name,
      kind: "nab",
      ...base,
      standard: over(runs, (r) => r.standard),
      lowFP: over(runs, (r) => r.lowFP),
      lowFN: over(runs, (r) => r.lowFN),
      windows: runs[0].windows,
      found: over(runs, (r) => r.found),
      falsePositives: over(runs, (r) => r.falsePositives),
      categories: runs[0].categories.map(({ category, windows }, k) => {
        if (runs.some((r) => r.categories[k]?.category !== category)) throw new Error(`${set.name}: the runs scored different categories`);
        return { category, windows, raw: over(runs, (r) => r.categories[k].raw), found: over(runs, (r) => r.categories[k].found) };
      }),
      atAlerts: { standard: over(runs, (r) => r.atAlerts.standard), found: over(runs, (r) => r.atAlerts.found), falsePositives: over(runs, (r) => r.atAlerts.falsePositives) },
      seconds: over(runs, (r) => r.seconds),
    };
  }
  if (!runs.every((r): r is LabelledRun => r.kind === "labelled")) throw new Error(`${set.name}: expected labelled runs`);
  const baselines = Object.fromEntries(BASELINE_NAMES.map((b) => [b, over(runs, (r) => r.baselines[b])])) as Record<BaselineName, SeedSpread>;
  const bestBaseline = BASELINE_NAMES.reduce((best, b) => (baselines[b].mean > baselines[best].mean ? b : best));
  return {
    set: set.name,
    kind: "labelled",
    ...base,
    onset: {
      precision: over(runs, (r) => r.onset.precision),
      recall: over(runs, (r) => r.onset.recall),
      f1: over(runs, (r) => r.onset.f1),
      falsePer1000: over(runs, (r) => r.onset.falsePer1000),
      runsFound: over(runs, (r) => r.onset.runsFound),
      runF1: over(runs, (r) => r.onset.runF1),
    },
    runs: runs[0].onset.runs,
    eventF1: over(runs, (r) => r.eventF1),
    baselines,
    bestBaseline,
    ratioToBest: runs.every((r) => r.baselines[bestBaseline] > 0) ? over(runs, (r) => r.onset.f1 / r.baselines[bestBaseline]) : null,
    seconds: over(runs, (r) => r.seconds),
  };
}

/** Where one run's files go: `<out>/<candidate>/<set>/seed-<n>`. */
export function runDir(out: string, candidate: string, set: string, seed: number): string {
  return path.join(out, candidate, set, `seed-${seed}`);
}
