import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { alignSamples, type AlignmentReport } from "../../runtime/features/alignSamples";
import { toVectors } from "../../runtime/features/toVectors";
import { rowsAtCalendarLevel } from "../../runtime/detection/serviceCalendar";
import type { ModelBundle } from "../../runtime/model/modelBundle";
import { trainOnRows } from "../../training/trainModel";
import { CliError } from "../cliError";
import { readMetricsInput } from "../metricsInput";
import type { Progress } from "../progress";
import { readRulesFile } from "../readRulesFile";
import { readTruthFile } from "../readTruthFile";
import { formatTestChannel, formatTrainChannel } from "../sageMakerChannels";
import { inTruthWindow } from "../truthWindows";

/** The options of `cad train`, as commander parses them. */
export interface TrainCliOptions {
  input: string;
  out: string;
  numTrees: number;
  numSamplesPerTree: number;
  seed: number;
  labels?: string;
  sagemakerCsv?: string;
  sagemakerTestCsv?: string;
  rules?: string;
  json?: boolean;
}

/** What `cad train --json` prints. */
export interface TrainSummary {
  readonly input: { readonly file: string; readonly layout: string; readonly splunk: boolean; readonly samples: number; readonly services: string[]; readonly containers: number };
  readonly featureSet: { readonly name: string; readonly metrics: string[]; readonly shingleSize: number; readonly stepSeconds: number };
  /** The streaming detector the embedded scorer runs, trained on the same rows. */
  readonly detector: { readonly containerNames: readonly string[]; readonly steps: number; readonly expectedAnomalyRate: number };
  readonly hyperparameters: ModelBundle["hyperparameters"];
  readonly seed: number;
  readonly rows: number;
  /** What aligning the samples to steps did: duplicates dropped, values filled across short gaps, gap rows. */
  readonly alignment: AlignmentReport;
  readonly rowsExcludedByLabels: number;
  readonly vectors: number;
  readonly scores: ModelBundle["scoreStats"];
  readonly histogram: { readonly from: number; readonly to: number; readonly count: number }[];
  readonly files: { readonly model: string; readonly sagemakerTrain?: string; readonly sagemakerTest?: string };
}

/** Runs `cad train`: read, align, train, write the model and the requested channels. */
export function train(o: TrainCliOptions, progress?: Progress): TrainSummary {
  if (o.sagemakerTestCsv && !o.labels) throw new CliError("--sagemaker-test-csv needs --labels: the test channel's first column is the label", 2);
  progress?.update(0, 4);
  const input = readMetricsInput(o.input);
  const labels = o.labels ? readTruthFile(o.labels, "--labels") : undefined;
  const fs = input.featureSet;
  progress?.update(1, 4);
  const aligned = alignSamples(input.samples, fs);
  const alignment = aligned.report;
  // With calendars (in --rules) the model learns load relative to the hour's level, as the detect handler scores it.
  const rows = o.rules ? rowsAtCalendarLevel(aligned.rows, readRulesFile(o.rules, "--rules", fs).calendars, fs) : aligned.rows;
  progress?.update(2, 4);
  const trainRows = labels ? rows.filter((r) => !inTruthWindow(labels, r.service, r.container, r.timestamp)) : rows;
  let trained: ReturnType<typeof trainOnRows>;
  try {
    trained = trainOnRows(trainRows, { featureSet: fs, numTrees: o.numTrees, sampleSize: o.numSamplesPerTree, seed: o.seed });
  } catch (err) {
    throw new CliError(`${o.input}: cannot train: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { model } = trained;
  progress?.update(3, 4);
  const files: { model: string; sagemakerTrain?: string; sagemakerTest?: string } = { model: o.out };
  write(o.out, JSON.stringify(model));
  if (o.sagemakerCsv) {
    write(o.sagemakerCsv, formatTrainChannel(toVectors(trainRows, fs, model.normalisation).map((v) => v.vector)));
    files.sagemakerTrain = o.sagemakerCsv;
  }
  if (o.sagemakerTestCsv && labels) {
    const all = toVectors(rows, fs, model.normalisation);
    write(o.sagemakerTestCsv, formatTestChannel(all.map((v) => v.vector), all.map((v) => (inTruthWindow(labels, v.row.service, v.row.container, v.row.timestamp) ? 1 : 0))));
    files.sagemakerTest = o.sagemakerTestCsv;
  }
  return {
    input: {
      file: o.input,
      layout: input.layout,
      splunk: input.splunk,
      samples: input.samples.length,
      services: [...new Set(rows.map((r) => r.service))].sort(),
      containers: new Set(rows.map((r) => `${r.service}\u0000${r.container}`)).size,
    },
    featureSet: { name: input.featureSetName, metrics: fs.metrics.map((m) => m.name), shingleSize: fs.shingleSize, stepSeconds: fs.stepSeconds },
    detector: { containerNames: model.detector?.containerNames ?? [], steps: model.detector?.steps ?? 0, expectedAnomalyRate: model.detector?.expectedAnomalyRate ?? 0 },
    hyperparameters: model.hyperparameters,
    seed: model.seed,
    rows: rows.length,
    alignment,
    rowsExcludedByLabels: rows.length - trainRows.length,
    vectors: trained.vectors,
    scores: model.scoreStats,
    histogram: histogram(trained.trainingScores, 12),
    files,
  };
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Equal-width bins from the lowest to the highest score; the last bin includes the maximum. */
export function histogram(scores: readonly number[], bins: number): { from: number; to: number; count: number }[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const s of scores) counts[Math.min(bins - 1, Math.floor((s - lo) / width))]++;
  return counts.map((count, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count }));
}
