import * as path from "node:path";
import { Command, Option } from "commander";
import { IsolationForestBaseline, requireConsecutive, ThreeSigmaBaseline } from "../../runtime/evaluation/baselines";
import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { DEFAULT_GROUP_TTL_MS, DEFAULT_REPLICA_TTL_MS, ServiceDetector, type ContainerDetection } from "../../runtime/detection/serviceDetector";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { decodeTrainedGroups } from "../../runtime/model/modelBundle";
import type { FeatureRow } from "../../runtime/types";
import { trainDetector } from "../../training/trainDetector";
import { addCounts, bestPointF1, eventCounts, pointCounts, prf, type Counts, type Prf } from "../../runtime/evaluation/labelledMetrics";
import { parseLabels, parseNumericRows } from "../../runtime/evaluation/numericCsv";
import { addOnsetCounts, DEFAULT_ONSET, onsetCounts, onsetMetrics, type OnsetCounts, type OnsetMetrics, type OnsetOptions } from "../../runtime/evaluation/onsetMetrics";
import { replaySeries, type DetectionMode } from "../../runtime/evaluation/replaySeries";
import { CliError, parseIntAtLeast } from "../cliError";
import { inputFolder } from "../inputPath";
import { listCsv, readText, writeFileAtomic } from "../fileOutput";
import { makeProgress } from "../progressBar";

/** One entity of a train/test/label dataset (rows = 1-minute steps, columns = metrics). */
export interface LabelledEntity {
  readonly name: string;
  readonly train: readonly (readonly number[])[];
  readonly test: readonly (readonly number[])[];
  readonly labels: readonly number[];
}

/** Per test row: raw score, the anomaly grade of the step, and the alert decision's grade (0 without an alert). */
export interface EntityDetections {
  readonly scores: number[];
  readonly anomalyGrades: number[];
  readonly grades: number[];
}

const STEP_MS = 60_000;
/** Where an entity's rows are placed in time: consecutive one-minute steps from this instant. */
export const LABELLED_T0 = Date.UTC(2026, 0, 5);

/** The feature set an entity of `inputs` columns is read with: metrics m0, m1, … of role "other", 1-minute steps. */
export function labelledFeatureSet(inputs: number, shingleSize = CONTAINER_DETECTOR.shingleSize ?? 1): FeatureSet {
  return { metrics: Array.from({ length: inputs }, (_, m) => ({ name: `m${m}`, role: "other" as const })), stepSeconds: 60, maxFillSteps: 0, shingleSize };
}

/**
 * Runs an entity as a deployment would: streaming mode trains the shipped detector (CONTAINER_DETECTOR) on the
 * training rows exactly as `cad train` does ({@link trainDetector}: one container of one service), then the
 * detect handler's detector, warm-started from that model, judges the test rows. Batch mode feeds the detector a
 * static forest's scores (a SageMaker stand-in trained on the training rows) over training and test rows.
 * `profile` replaces the shipped settings (`cad quality` runs candidate settings through it).
 */
export function detectEntity(entity: LabelledEntity, mode: DetectionMode, seed: number, profile: DetectorProfile = CONTAINER_DETECTOR): EntityDetections {
  if (entity.train.length === 0 || entity.test.length === 0) throw new Error(`${entity.name}: needs training and test rows`);
  const toResult = (detections: readonly ContainerDetection[]): EntityDetections => ({ scores: detections.map((d) => d.score), anomalyGrades: detections.map((d) => d.grade), grades: detections.map((d) => (d.alert ? d.grade : 0)) });
  if (mode === "batch") {
    const rows = [...entity.train, ...entity.test];
    return toResult(replaySeries(rows.map((_, i) => LABELLED_T0 + i * STEP_MS), rows, { mode, seed, profile, trainRows: entity.train.length }).slice(entity.train.length));
  }
  const fs = labelledFeatureSet(entity.train[0].length, profile.shingleSize);
  const row = (values: readonly number[], i: number): FeatureRow => ({ service: entity.name, container: "series", timestamp: LABELLED_T0 + i * STEP_MS, values, filled: 0, gap: false });
  const trained = trainDetector(entity.train.map(row), { featureSet: fs, profile, seed });
  const detector = new ServiceDetector({
    inputs: fs.metrics.length,
    detector: { ...trained.profile, shingleSize: fs.shingleSize },
    scorer: "forest",
    replicaTtlMs: DEFAULT_REPLICA_TTL_MS,
    groupTtlMs: DEFAULT_GROUP_TTL_MS,
    warmStart: decodeTrainedGroups(trained, entity.name),
  });
  const start = entity.train.length;
  return toResult(entity.test.map((values, i) => detector.process(LABELLED_T0 + (start + i) * STEP_MS, [{ container: "series", containerName: "", values }])[0]));
}

export interface Metrics {
  readonly point: Counts & Prf;
  readonly event: Counts & Prf;
  readonly onset: OnsetMetrics;
}

export interface LabelledReport {
  readonly mode: DetectionMode;
  readonly entities: number;
  readonly rows: number;
  readonly seconds: number;
  /** The gap and tolerance (steps) every `onset` metric below was counted with. */
  readonly onsetOptions: OnsetOptions;
  readonly detector: Metrics & { readonly bestPointF1: number };
  readonly perEntity: ({ readonly entity: string } & Metrics)[];
  readonly baselines?: { readonly threeSigma: Metrics; readonly threeSigmaConsecutive: Metrics; readonly isolationForest: Metrics; readonly isolationForestP995: Metrics };
}

type BaselineName = keyof NonNullable<LabelledReport["baselines"]>;

/** Point-, event- and onset-wise counts of one alert sequence against its labels: they add up over entities. */
interface AlertCounts {
  readonly point: Counts;
  readonly event: Counts;
  readonly onset: OnsetCounts;
}

const NO_COUNTS: AlertCounts = { point: { tp: 0, fp: 0, fn: 0 }, event: { tp: 0, fp: 0, fn: 0 }, onset: { onsets: 0, hits: 0, runs: 0, runsFound: 0, steps: 0 } };

function countAlerts(alerts: readonly boolean[], labels: readonly number[], onset: OnsetOptions): AlertCounts {
  return { point: pointCounts(alerts, labels), event: eventCounts(alerts, labels), onset: onsetCounts(alerts, labels, onset) };
}

function addAlertCounts(a: AlertCounts, b: AlertCounts): AlertCounts {
  return { point: addCounts(a.point, b.point), event: addCounts(a.event, b.event), onset: addOnsetCounts(a.onset, b.onset) };
}

function metrics(c: AlertCounts): Metrics {
  return { point: { ...c.point, ...prf(c.point) }, event: { ...c.event, ...prf(c.event) }, onset: onsetMetrics(c.onset) };
}

/**
 * The baselines' alerts on an entity's test rows, each trained on its training rows only: per-metric 3σ on
 * every step and from the third consecutive step; an isolation forest (100 trees, 256 rows each) above mean + 3σ
 * and above the 99.5th percentile of its training scores (one forest, its scores computed once for both).
 */
function baselineAlerts(e: LabelledEntity, seed: number): Record<BaselineName, boolean[]> {
  const s3 = new ThreeSigmaBaseline(e.train);
  const threeSigma = e.test.map((r) => s3.isAnomaly(r));
  const iso = new IsolationForestBaseline(e.train, { numTrees: 100, subsample: 256, seed });
  const isoScores = e.test.map((r) => iso.score(r));
  const p995 = iso.thresholdFor({ quantile: 0.995 });
  return {
    threeSigma,
    threeSigmaConsecutive: requireConsecutive(threeSigma, 3),
    isolationForest: isoScores.map((s) => s > iso.threshold),
    isolationForestP995: isoScores.map((s) => s > p995),
  };
}

/** Reads `DIR/{train,test,test_label}/<entity>.csv`; errors name the file and line. */
export function loadLabelled(dir: string): LabelledEntity[] {
  const testDir = path.join(dir, "test");
  let names: string[];
  try {
    names = listCsv(testDir);
  } catch (err) {
    throw new CliError(`--data ${dir}: expected folders train/, test/ and test_label/ (${(err as Error).message})`);
  }
  if (names.length === 0) throw new CliError(`--data ${dir}: test/ holds no <entity>.csv files`);
  return names.map((file) => {
    const name = file.replace(/\.csv$/, "");
    const read = (sub: string) => {
      const f = path.join(dir, sub, file);
      return { f, text: readText(f, `${sub} file`) };
    };
    const tr = read("train");
    const te = read("test");
    const la = read("test_label");
    const train = parseNumericRows(tr.text, tr.f);
    const test = parseNumericRows(te.text, te.f);
    const labels = parseLabels(la.text, la.f);
    if (labels.length !== test.length) throw new CliError(`${la.f}: ${labels.length} labels, but ${te.f} has ${test.length} rows`);
    if (train[0].length !== test[0].length) throw new CliError(`${te.f}: ${test[0].length} columns, but ${tr.f} has ${train[0].length}`);
    return { name, train, test, labels };
  });
}

/** `onset` defaults to {@link DEFAULT_ONSET}. */
export function runLabelled(o: { data: string; out: string; mode: DetectionMode; baselines: boolean; seed: number; onset?: OnsetOptions; profile?: DetectorProfile; json?: boolean }): LabelledReport {
  const onset = o.onset ?? DEFAULT_ONSET;
  onsetCounts([], [], onset); // rejects a bad gap or tolerance before the detection work, not after it
  const entities = loadLabelled(o.data);
  const rows = entities.reduce((s, e) => s + e.train.length + e.test.length, 0);
  const progress = makeProgress(`cad labelled (${o.mode})`, process.stderr, o.json === true);
  progress.start(entities.length, entities[0].name);
  const t0 = performance.now();
  let total = NO_COUNTS;
  const perEntity: LabelledReport["perEntity"] = [];
  const forBest: { scores: number[]; labels: readonly number[] }[] = [];
  const base: Record<BaselineName, AlertCounts> = { threeSigma: NO_COUNTS, threeSigmaConsecutive: NO_COUNTS, isolationForest: NO_COUNTS, isolationForestP995: NO_COUNTS };
  for (const e of entities) {
    const d = detectEntity(e, o.mode, o.seed, o.profile);
    const counts = countAlerts(d.grades.map((g) => g > 0), e.labels, onset);
    total = addAlertCounts(total, counts);
    perEntity.push({ entity: e.name, ...metrics(counts) });
    forBest.push({ scores: d.scores, labels: e.labels });
    const lines = ["score,anomaly_grade,alert_grade,label", ...d.scores.map((s, i) => `${s},${d.anomalyGrades[i]},${d.grades[i]},${e.labels[i]}`)];
    writeFileAtomic(path.join(o.out, `${e.name}.csv`), `${lines.join("\n")}\n`);
    if (o.baselines) {
      const alerts = baselineAlerts(e, o.seed);
      for (const name of Object.keys(base) as BaselineName[]) base[name] = addAlertCounts(base[name], countAlerts(alerts[name], e.labels, onset));
    }
    progress.increment(1, e.name);
  }
  progress.stop();
  return {
    mode: o.mode,
    entities: entities.length,
    rows,
    seconds: (performance.now() - t0) / 1000,
    onsetOptions: onset,
    detector: { ...metrics(total), bestPointF1: bestPointF1(forBest).f1 },
    perEntity,
    ...(o.baselines
      ? {
          baselines: {
            threeSigma: metrics(base.threeSigma),
            threeSigmaConsecutive: metrics(base.threeSigmaConsecutive),
            isolationForest: metrics(base.isolationForest),
            isolationForestP995: metrics(base.isolationForestP995),
          },
        }
      : {}),
  };
}

/** Name column, then point-wise, event-wise and onset-wise columns (about 118 characters). */
function render(r: LabelledReport): string {
  const f = (x: number) => x.toFixed(3);
  const p = (m: Prf) => `${f(m.precision)} ${f(m.recall)} ${f(m.f1)}`;
  const prfHead = `${"P".padEnd(5)} ${"R".padEnd(5)} ${"F1".padEnd(5)}`;
  const line = (cells: readonly [string, string, string, string, string, string, string, string]) =>
    `${cells[0].padEnd(26)} ${cells[1].padEnd(17)}   ${cells[2].padEnd(17)} ${cells[3].padStart(7)} ${cells[4].padStart(6)}   ${cells[5].padEnd(17)} ${cells[6].padStart(7)} ${cells[7].padStart(9)}`.trimEnd();
  const row = (name: string, m: Metrics) =>
    line([name, p(m.point), p(m.event), `${m.event.tp}/${m.event.tp + m.event.fn}`, String(m.event.fp), p(m.onset), `${m.onset.runsFound}/${m.onset.runs}`, m.onset.falsePer1000.toFixed(2)]);
  const out = [
    line(["", "point-wise", "event-wise", "events", "false", "onset-wise", "runs", "false"]),
    line(["entity", prfHead, prfHead, "found", "events", prfHead, "found", "onsets/1k"]),
    ...r.perEntity.map((e) => row(e.entity, e)),
    row(`total (${r.mode})`, r.detector),
  ];
  if (r.baselines) {
    out.push(row("baseline: 3σ per metric", r.baselines.threeSigma));
    out.push(row("baseline: 3σ, 3 in a row", r.baselines.threeSigmaConsecutive));
    out.push(row("baseline: iforest mean+3σ", r.baselines.isolationForest));
    out.push(row("baseline: iforest p99.5", r.baselines.isolationForestP995));
  }
  const { gap, tolerance } = r.onsetOptions;
  out.push(`onset: an alert's first step after ≥ ${gap} quiet steps; a hit inside a labelled run or ≤ ${tolerance} steps after its end; false onsets per 1,000 steps`);
  out.push(`best point-wise F1 over thresholds (uses the labels, for reference): ${f(r.detector.bestPointF1)}`);
  out.push(`${r.entities} entities, ${r.rows} rows in ${r.seconds.toFixed(1)} s`);
  return out.join("\n");
}

export function labelledCommand(): Command {
  return new Command("labelled")
    .description("learn on train/, detect on test/, and report precision/recall/F1 against test_label/ (point-, event- and onset-wise, no point adjustment).")
    .requiredOption("--data <dir>", "folder with train/<entity>.csv, test/<entity>.csv (header-less numeric rows) and test_label/<entity>.csv (0/1 per test row)", inputFolder("--data"))
    .requiredOption("--out <dir>", "writes <out>/<entity>.csv with score,anomaly_grade,alert_grade,label per test row (alert_grade > 0 where the detector alerted)")
    .addOption(new Option("--mode <mode>", "streaming or batch (SageMaker-style)").choices(["streaming", "batch"]).default("streaming"))
    .option("--baselines", "also run per-metric 3σ (every step, and 3 steps running) and an isolation forest (above mean + 3σ, and above the 99.5th percentile, of its training scores) on the same split")
    .option("--onset-gap <n>", "quiet steps before an alerting step that make it a new onset", parseIntAtLeast("--onset-gap", 1), DEFAULT_ONSET.gap)
    .option("--onset-tolerance <n>", "steps after a labelled run's end in which an onset still counts as a hit", parseIntAtLeast("--onset-tolerance", 0), DEFAULT_ONSET.tolerance)
    .option("--json", "print the totals as one JSON object")
    .option("--seed <n>", "seed of the detector's forests and the isolation-forest baseline", parseIntAtLeast("--seed", 0), 42)
    .action((opts: { data: string; out: string; mode: DetectionMode; baselines?: boolean; onsetGap: number; onsetTolerance: number; json?: boolean; seed: number }) => {
      let report: LabelledReport;
      try {
        report = runLabelled({ data: opts.data, out: opts.out, mode: opts.mode, baselines: opts.baselines === true, seed: opts.seed, onset: { gap: opts.onsetGap, tolerance: opts.onsetTolerance }, json: opts.json });
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      if (opts.json) {
        const { perEntity: _perEntity, ...totals } = report;
        process.stdout.write(`${JSON.stringify(totals)}\n`);
      } else process.stdout.write(`${render(report)}\n`);
    });
}
