import * as path from "node:path";
import { IsolationForestBaseline, requireConsecutive, ThreeSigmaBaseline } from "../../runtime/evaluation/baselines";
import type { DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { addCounts, bestPointF1, eventCounts, pointCounts, prf, type Counts, type Prf } from "../../runtime/evaluation/labelledMetrics";
import { fillRowGaps, isGapRow } from "../../runtime/evaluation/fillRowGaps";
import { parseLabels, parseNumericRows, splitHeader } from "../../runtime/evaluation/numericCsv";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { quoteInput } from "../../runtime/errors/quoteInput";
import { addOnsetCounts, DEFAULT_ONSET, onsetCounts, onsetMetrics, type OnsetCounts, type OnsetMetrics, type OnsetOptions } from "../../runtime/evaluation/onsetMetrics";
import { onsetUnits, type OnsetUnit } from "../../runtime/evaluation/scoreUnits";
import { checkYoungOptions, youngPieces, type YoungPieceOptions } from "../../runtime/evaluation/youngPieces";
import type { DetectionMode } from "../../runtime/evaluation/replaySeries";
import { CliError } from "../cliError";
import { listCsv, readText, writeFileAtomic } from "../fileOutput";
import { makeProgress } from "../progressBar";
import { detectEntity, type LabelledEntity } from "./detectEntity";
import { ENTITY_RESULT_HEADER, readEntityDetections } from "./readEntityDetections";

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
  /** Training rows used per entity: the last `trainRows` of each train part, or null for all of them (with `young`: each piece's history). */
  readonly trainRows: number | null;
  /** With young services: how the test parts were cut, and how many pieces ran (`entities` counts the entities they came from). */
  readonly young?: YoungPieceOptions & { readonly pieces: number; readonly skipped: number };
  readonly detector: Metrics & { readonly bestPointF1: number };
  readonly perEntity: ({ readonly entity: string } & Metrics)[];
  /** With `blockSteps`: the detector's onsets cut into blocks of that many test rows, entity after entity (runtime/evaluation/scoreUnits.ts). */
  readonly onsetUnits?: readonly OnsetUnit[];
  readonly baselines?: { readonly threeSigma: Metrics; readonly threeSigmaConsecutive: Metrics; readonly isolationForest: Metrics; readonly isolationForestP995: Metrics };
}

/** Rows of history a young service learns on unless `trainRows` says otherwise: an hour of one-minute steps. */
export const DEFAULT_YOUNG_HISTORY = 60;

/** Missing values filled per run, as the detect Lambda's alignment fills them. */
const MAX_FILL = DEFAULT_FEATURE_SET.maxFillSteps;

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
  // Gap rows (a missing value) are skipped as the detector skips them: not learnt, never alerting.
  const train = e.train.filter((r) => !isGapRow(r));
  const s3 = new ThreeSigmaBaseline(train);
  const threeSigma = e.test.map((r) => !isGapRow(r) && s3.isAnomaly(r));
  const iso = new IsolationForestBaseline(train, { numTrees: 100, subsample: 256, seed });
  const isoScores = e.test.map((r) => (isGapRow(r) ? Number.NEGATIVE_INFINITY : iso.score(r)));
  const p995 = iso.thresholdFor({ quantile: 0.995 });
  return {
    threeSigma,
    threeSigmaConsecutive: requireConsecutive(threeSigma, 3),
    isolationForest: isoScores.map((s) => s > iso.threshold),
    isolationForestP995: isoScores.map((s) => s > p995),
  };
}

/**
 * Reads `DIR/{train,test,test_label}/<entity>.csv`; errors name the file and line. A first line without a number in
 * it is a header: skipped, and said through `note` (file and header). A missing value in a train or test file (an
 * empty cell, NaN, NA, null) is filled as the detect Lambda fills a short gap (up to the default feature set's
 * `maxFillSteps` steps from the value before); a longer gap leaves its rows as gaps, which no detector scores or
 * learns. Both are said through `note`; a train file without one complete row is refused.
 */
export function loadLabelled(dir: string, note: (line: string) => void = () => undefined): LabelledEntity[] {
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
      const { header, body, firstLine } = splitHeader(readText(f, `${sub} file`));
      if (header !== null) note(`${f}: line 1 is a header (${quoteInput(header)}): skipped`);
      return { f, body, firstLine };
    };
    const tr = read("train");
    const te = read("test");
    const la = read("test_label");
    const rowsOf = (part: { f: string; body: string; firstLine: number }) => {
      const filled = fillRowGaps(parseNumericRows(part.body, part.f, part.firstLine, { missing: true }), MAX_FILL);
      if (filled.filled > 0 || filled.gapRows > 0) note(`${part.f}: ${filled.filled} missing value(s) filled from the step before (gaps of up to ${MAX_FILL} steps); ${filled.gapRows} row(s) left as gaps, not scored`);
      return filled;
    };
    const trainFilled = rowsOf(tr);
    if (trainFilled.gapRows === trainFilled.rows.length) throw new CliError(`${tr.f}: every row has a missing value (after filling gaps of up to ${MAX_FILL} steps): nothing to train on`);
    const train = trainFilled.rows;
    const test = rowsOf(te).rows;
    const labels = parseLabels(la.body, la.f, la.firstLine);
    if (labels.length !== test.length) throw new CliError(`${la.f}: ${labels.length} labels, but ${te.f} has ${test.length} rows`);
    if (train[0].length !== test[0].length) throw new CliError(`${te.f}: ${test[0].length} columns, but ${tr.f} has ${train[0].length}`);
    return { name, train, test, labels };
  });
}

/**
 * `onset` defaults to {@link DEFAULT_ONSET}. With `trainRows`, the detector and the baselines learn on only the last
 * `trainRows` rows of each train part (all of a shorter one): a service with that much history. With `blockSteps`,
 * the report holds the detector's onset counts per block of that many test rows too (`cad quality`'s resampling).
 * With `fromFiles`, the detector does not run: the per-entity files an earlier run wrote to `out` are scored again
 * (`cad quality --rescore`); the baselines run as always. With `young`, every test part is cut into young services
 * (runtime/evaluation/youngPieces.ts), each run and written (`<out>/<entity>@<start>.csv`) as an entity of its own,
 * and the per-entity figures add up each entity's pieces.
 */
export function runLabelled(o: {
  data: string;
  out: string;
  mode: DetectionMode;
  baselines: boolean;
  seed: number;
  onset?: OnsetOptions;
  trainRows?: number;
  profile?: DetectorProfile;
  json?: boolean;
  blockSteps?: number;
  fromFiles?: boolean;
  /** Judge young services: each test part cut into pieces of `rows` rows, one starting every `every` rows, each learning only on the `trainRows` (default {@link DEFAULT_YOUNG_HISTORY}) rows before it. */
  young?: { readonly rows: number; readonly every: number };
}): LabelledReport {
  const onset = o.onset ?? DEFAULT_ONSET;
  onsetCounts([], [], onset); // rejects a bad gap or tolerance before the detection work, not after it
  if (o.trainRows !== undefined && !(Number.isInteger(o.trainRows) && o.trainRows >= 1)) throw new CliError(`trainRows must be an integer >= 1, got ${o.trainRows}`);
  const note = (line: string) => process.stderr.write(`cad labelled: ${line}\n`);
  const young: YoungPieceOptions | undefined = o.young && { ...o.young, history: o.trainRows ?? DEFAULT_YOUNG_HISTORY };
  if (young) {
    try {
      checkYoungOptions(young);
    } catch (err) {
      throw new CliError(`--young: ${(err as Error).message}`);
    }
  }
  const keep = young ? young.history : o.trainRows;
  const loaded = loadLabelled(o.data, note);
  let skipped = 0;
  const entities: (LabelledEntity & { readonly source: string })[] = [];
  for (const e of loaded) {
    if (young) {
      const pieces = youngPieces(e, young);
      if (pieces.length === 0) note(`${path.join(o.data, "test", `${e.name}.csv`)}: ${e.test.length} test rows, fewer than one young piece of ${young.rows} (--young): no piece`);
      for (const p of pieces) {
        // A piece whose history is all gaps has nothing to learn on: said, and left out.
        if (p.train.every(isGapRow)) {
          skipped++;
          note(`${p.name}: its ${p.train.length} row(s) of history all have a missing value: piece skipped`);
        } else entities.push({ name: p.name, source: e.name, train: p.train, test: p.test, labels: p.labels });
      }
      continue;
    }
    const train = keep === undefined ? e.train : e.train.slice(-keep);
    if (keep !== undefined && train.every(isGapRow)) throw new CliError(`${path.join(o.data, "train", `${e.name}.csv`)}: its last ${keep} row(s) (--train-rows) all have a missing value (after filling gaps of up to ${MAX_FILL} steps): nothing to train on`);
    entities.push({ ...e, train, source: e.name });
  }
  if (entities.length === 0) throw new CliError(`--data ${o.data}: no young piece of ${young?.rows ?? 0} test rows fits any entity (--young): use fewer rows`);
  const rows = entities.reduce((s, e) => s + e.train.length + e.test.length, 0);
  const progress = makeProgress(`cad labelled (${o.mode})`, process.stderr, o.json === true);
  progress.start(entities.length, entities[0].name);
  const t0 = performance.now();
  let total = NO_COUNTS;
  const perSource: { entity: string; counts: AlertCounts }[] = [];
  const forBest: { scores: number[]; labels: readonly number[] }[] = [];
  const units: OnsetUnit[] = [];
  const base: Record<BaselineName, AlertCounts> = { threeSigma: NO_COUNTS, threeSigmaConsecutive: NO_COUNTS, isolationForest: NO_COUNTS, isolationForestP995: NO_COUNTS };
  for (const e of entities) {
    const file = path.join(o.out, `${e.name}.csv`);
    const d = o.fromFiles ? readEntityDetections(file, e) : detectEntity(e, o.mode, o.seed, o.profile);
    const alerts = d.grades.map((g) => g > 0);
    const counts = countAlerts(alerts, e.labels, onset);
    if (o.blockSteps !== undefined) units.push(...onsetUnits(alerts, e.labels, o.blockSteps, onset));
    total = addAlertCounts(total, counts);
    // Young pieces add up to the entity they were cut from.
    const last = perSource[perSource.length - 1];
    if (last?.entity === e.source) last.counts = addAlertCounts(last.counts, counts);
    else perSource.push({ entity: e.source, counts });
    forBest.push({ scores: d.scores, labels: e.labels });
    if (!o.fromFiles) {
      const lines = [ENTITY_RESULT_HEADER, ...d.scores.map((s, i) => `${s},${d.anomalyGrades[i]},${d.grades[i]},${e.labels[i]}`)];
      writeFileAtomic(file, `${lines.join("\n")}\n`);
    }
    if (o.baselines) {
      const baseline = baselineAlerts(e, o.seed);
      for (const name of Object.keys(base) as BaselineName[]) base[name] = addAlertCounts(base[name], countAlerts(baseline[name], e.labels, onset));
    }
    progress.increment(1, e.name);
  }
  progress.stop();
  return {
    mode: o.mode,
    entities: perSource.length,
    rows,
    seconds: (performance.now() - t0) / 1000,
    onsetOptions: onset,
    trainRows: keep ?? null,
    ...(young ? { young: { ...young, pieces: entities.length, skipped } } : {}),
    detector: { ...metrics(total), bestPointF1: bestPointF1(forBest).f1 },
    perEntity: perSource.map((x) => ({ entity: x.entity, ...metrics(x.counts) })),
    ...(o.blockSteps !== undefined ? { onsetUnits: units } : {}),
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
