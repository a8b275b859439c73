import * as path from "node:path";
import { Command, Option } from "commander";
import { IsolationForestBaseline, ThreeSigmaBaseline } from "../../runtime/evaluation/baselines";
import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { DEFAULT_GROUP_TTL_MS, DEFAULT_REPLICA_TTL_MS, ServiceDetector, type ContainerDetection } from "../../runtime/detection/serviceDetector";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { decodeTrainedGroups } from "../../runtime/model/modelBundle";
import type { FeatureRow } from "../../runtime/types";
import { trainDetector } from "../../training/trainDetector";
import { addCounts, bestPointF1, eventCounts, pointCounts, prf, type Counts, type Prf } from "../../runtime/evaluation/labelledMetrics";
import { parseLabels, parseNumericRows } from "../../runtime/evaluation/numericCsv";
import { replaySeries, type DetectionMode } from "../../runtime/evaluation/replaySeries";
import { CliError, parseIntAtLeast } from "../cliError";
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
}

export interface LabelledReport {
  readonly mode: DetectionMode;
  readonly entities: number;
  readonly rows: number;
  readonly seconds: number;
  readonly detector: Metrics & { readonly bestPointF1: number };
  readonly perEntity: ({ readonly entity: string } & Metrics)[];
  readonly baselines?: { readonly threeSigma: Metrics; readonly isolationForest: Metrics };
}

function metrics(c: { point: Counts; event: Counts }): Metrics {
  return { point: { ...c.point, ...prf(c.point) }, event: { ...c.event, ...prf(c.event) } };
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

export function runLabelled(o: { data: string; out: string; mode: DetectionMode; baselines: boolean; seed: number; profile?: DetectorProfile }): LabelledReport {
  const entities = loadLabelled(o.data);
  const rows = entities.reduce((s, e) => s + e.train.length + e.test.length, 0);
  const progress = makeProgress(`cad labelled (${o.mode})`);
  progress.start(entities.length, entities[0].name);
  const t0 = performance.now();
  let point: Counts = { tp: 0, fp: 0, fn: 0 };
  let event: Counts = { tp: 0, fp: 0, fn: 0 };
  const perEntity: LabelledReport["perEntity"] = [];
  const forBest: { scores: number[]; labels: readonly number[] }[] = [];
  const base = { s3: { point: { tp: 0, fp: 0, fn: 0 }, event: { tp: 0, fp: 0, fn: 0 } }, iso: { point: { tp: 0, fp: 0, fn: 0 }, event: { tp: 0, fp: 0, fn: 0 } } };
  for (const e of entities) {
    const d = detectEntity(e, o.mode, o.seed, o.profile);
    const alerts = d.grades.map((g) => g > 0);
    const pc = pointCounts(alerts, e.labels);
    const ec = eventCounts(alerts, e.labels);
    point = addCounts(point, pc);
    event = addCounts(event, ec);
    perEntity.push({ entity: e.name, ...metrics({ point: pc, event: ec }) });
    forBest.push({ scores: d.scores, labels: e.labels });
    const lines = ["score,anomaly_grade,alert_grade,label", ...d.scores.map((s, i) => `${s},${d.anomalyGrades[i]},${d.grades[i]},${e.labels[i]}`)];
    writeFileAtomic(path.join(o.out, `${e.name}.csv`), `${lines.join("\n")}\n`);
    if (o.baselines) {
      const s3 = new ThreeSigmaBaseline(e.train);
      const iso = new IsolationForestBaseline(e.train, 100, 256, o.seed);
      for (const [key, alertsB] of [
        ["s3", e.test.map((r) => s3.isAnomaly(r))],
        ["iso", e.test.map((r) => iso.isAnomaly(r))],
      ] as const) {
        base[key].point = addCounts(base[key].point, pointCounts(alertsB, e.labels));
        base[key].event = addCounts(base[key].event, eventCounts(alertsB, e.labels));
      }
    }
    progress.increment(1, e.name);
  }
  progress.stop();
  return {
    mode: o.mode,
    entities: entities.length,
    rows,
    seconds: (performance.now() - t0) / 1000,
    detector: { ...metrics({ point, event }), bestPointF1: bestPointF1(forBest).f1 },
    perEntity,
    ...(o.baselines ? { baselines: { threeSigma: metrics(base.s3), isolationForest: metrics(base.iso) } } : {}),
  };
}

function render(r: LabelledReport): string {
  const f = (x: number) => x.toFixed(3);
  const row = (name: string, m: Metrics) =>
    `${name.padEnd(22)} ${f(m.point.precision)} ${f(m.point.recall)} ${f(m.point.f1)}   ${f(m.event.precision)} ${f(m.event.recall)} ${f(m.event.f1)}  ${`${m.event.tp}/${m.event.tp + m.event.fn}`.padStart(7)} ${String(m.event.fp).padStart(6)}`;
  const out = [
    `${"".padEnd(22)} ${"point-wise".padEnd(17)}   ${"event-wise".padEnd(17)}  ${"events".padStart(7)} ${"false".padStart(6)}`,
    `${"entity".padEnd(22)} ${"P".padEnd(5)} ${"R".padEnd(5)} ${"F1".padEnd(5)}   ${"P".padEnd(5)} ${"R".padEnd(5)} ${"F1".padEnd(5)}  ${"found".padStart(7)} ${"events".padStart(6)}`,
    ...r.perEntity.map((e) => row(e.entity, e)),
    row(`total (${r.mode})`, r.detector),
  ];
  if (r.baselines) {
    out.push(row("baseline: 3σ per metric", r.baselines.threeSigma));
    out.push(row("baseline: isolation fst", r.baselines.isolationForest));
  }
  out.push(`best point-wise F1 over thresholds (uses the labels, for reference): ${f(r.detector.bestPointF1)}`);
  out.push(`${r.entities} entities, ${r.rows} rows in ${r.seconds.toFixed(1)} s`);
  return out.join("\n");
}

export function labelledCommand(): Command {
  return new Command("labelled")
    .description("learn on train/, detect on test/, and report precision/recall/F1 against test_label/ (point- and event-wise, no point adjustment).")
    .requiredOption("--data <dir>", "folder with train/<entity>.csv, test/<entity>.csv (header-less numeric rows) and test_label/<entity>.csv (0/1 per test row)")
    .requiredOption("--out <dir>", "writes <out>/<entity>.csv with score,anomaly_grade,alert_grade,label per test row (alert_grade > 0 where the detector alerted)")
    .addOption(new Option("--mode <mode>", "streaming or batch (SageMaker-style)").choices(["streaming", "batch"]).default("streaming"))
    .option("--baselines", "also run per-metric 3σ and an isolation forest on the same split")
    .option("--json", "print the totals as one JSON object")
    .option("--seed <n>", "seed of the detector's forests and the isolation-forest baseline", parseIntAtLeast("--seed", 0), 42)
    .action((opts: { data: string; out: string; mode: DetectionMode; baselines?: boolean; json?: boolean; seed: number }) => {
      let report: LabelledReport;
      try {
        report = runLabelled({ data: opts.data, out: opts.out, mode: opts.mode, baselines: opts.baselines === true, seed: opts.seed });
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      if (opts.json) {
        const { perEntity: _perEntity, ...totals } = report;
        process.stdout.write(`${JSON.stringify(totals)}\n`);
      } else process.stdout.write(`${render(report)}\n`);
    });
}
