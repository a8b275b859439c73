import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { alignSamples, type AlignmentReport } from "../../runtime/features/alignSamples";
import { toVectors } from "../../runtime/features/toVectors";
import type { ModelBundle } from "../../runtime/model/modelBundle";
import { trainOnRows } from "../../training/trainModel";
import { CliError, parsePositiveInt } from "../cliError";
import { readMetricsInput } from "../metricsInput";
import { startProgress, type Progress } from "../progress";
import { readTruthFile } from "../readTruthFile";
import { formatTestChannel, formatTrainChannel, SAGEMAKER_TEST_CONTENT_TYPE, SAGEMAKER_TRAIN_CONTENT_TYPE } from "../sageMakerChannels";
import { inTruthWindow } from "../truthWindows";

interface TrainCliOptions {
  input: string;
  out: string;
  numTrees: number;
  numSamplesPerTree: number;
  seed: number;
  labels?: string;
  sagemakerCsv?: string;
  sagemakerTestCsv?: string;
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

export function trainCommand(): Command {
  return new Command("train")
    .description("train a model on a metrics CSV: the streaming detector the embedded scorer runs (one forest per container name) and the static forest SageMaker would train (same hyperparameter names, score distribution and mean + 3σ); optionally write the SageMaker training channels")
    .requiredOption("--input <csv>", "metrics CSV: feature rows (cad collect), long format (timestamp,service,container,metric,value), or a Splunk export of either (_time)")
    .option("--out <file>", "where to write the model", "out/model.json")
    .option("--num-trees <n>", "SageMaker num_trees (50–1000 there)", parsePositiveInt("--num-trees"), 100)
    .option("--num-samples-per-tree <n>", "SageMaker num_samples_per_tree (1–2048 there)", parsePositiveInt("--num-samples-per-tree"), 256)
    .option("--seed <n>", "seed of the forest", parsePositiveInt("--seed"), 42)
    .option("--labels <csv>", "known-anomalous windows (service,start,end[,kind,container], e.g. out/demo/truth.csv): left out of training, and the labels of --sagemaker-test-csv")
    .option("--sagemaker-csv <file>", `write the SageMaker train channel (${SAGEMAKER_TRAIN_CONTENT_TYPE}: no header, one normalised vector per line)`)
    .option("--sagemaker-test-csv <file>", `write the labelled SageMaker test channel (${SAGEMAKER_TEST_CONTENT_TYPE}: label first; needs --labels)`)
    .option("--json", "print a JSON summary instead of text")
    .addHelpText("after", "\nExample:\n  npx cad train --input out/demo/metrics.csv --out out/model.json\n")
    .action((o: TrainCliOptions) => {
      // Training is one synchronous call: the bar advances per phase (read, align, train, write).
      const progress = startProgress("train", { json: o.json, afterMs: 0 });
      let summary: TrainSummary;
      try {
        summary = train(o, progress);
      } finally {
        progress.stop();
      }
      if (o.json) process.stdout.write(JSON.stringify(summary) + "\n");
      else process.stdout.write(formatTrainSummary(summary) + "\n");
    });
}

/** Runs `cad train`: read, align, train, write the model and the requested channels. */
export function train(o: TrainCliOptions, progress?: Progress): TrainSummary {
  if (o.sagemakerTestCsv && !o.labels) throw new CliError("--sagemaker-test-csv needs --labels: the test channel's first column is the label", 2);
  progress?.update(0, 4);
  const input = readMetricsInput(o.input);
  const labels = o.labels ? readTruthFile(o.labels, "--labels") : undefined;
  const fs = input.featureSet;
  progress?.update(1, 4);
  const { rows, report: alignment } = alignSamples(input.samples, fs);
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

/** The human-readable form of a training run. */
export function formatTrainSummary(s: TrainSummary): string {
  const st = s.scores;
  const peak = Math.max(...s.histogram.map((b) => b.count));
  const bars = s.histogram.map((b) => {
    const marker = b.from <= st.threshold && st.threshold < b.to ? "  <- threshold" : "";
    return `  ${b.from.toFixed(3).padStart(8)} – ${b.to.toFixed(3).padEnd(8)} ${"#".repeat(Math.round((40 * b.count) / peak)).padEnd(40)} ${String(b.count).padStart(6)}${marker}`;
  });
  const outOfRange = [
    s.hyperparameters.num_trees < 50 || s.hyperparameters.num_trees > 1000 ? `num_trees ${s.hyperparameters.num_trees} is outside SageMaker's 50–1000` : "",
    s.hyperparameters.num_samples_per_tree > 2048 ? `num_samples_per_tree ${s.hyperparameters.num_samples_per_tree} is above SageMaker's 2048` : "",
  ].filter(Boolean);
  return [
    `read ${s.input.samples} samples from ${s.input.file} (${s.input.layout}${s.input.splunk ? ", Splunk export" : ""}): ${s.input.services.length} service(s), ${s.input.containers} container(s), ${s.rows} rows`,
    ...(s.alignment.duplicates + s.alignment.outOfOrder + s.alignment.filledValues + s.alignment.gapRows > 0
      ? [
          `aligned to ${s.featureSet.stepSeconds}-s steps: ${s.alignment.outOfOrder} sample(s) out of time order (sorted), ${s.alignment.duplicates} duplicate sample(s) dropped, ${s.alignment.filledValues} value(s) filled across short gaps, ${s.alignment.gapRows} row(s) left out for longer gaps`,
        ]
      : []),
    `feature set: ${s.featureSet.name} — ${s.featureSet.metrics.join(", ")}; ${s.featureSet.stepSeconds}-s steps, shingle ${s.featureSet.shingleSize}`,
    ...(s.rowsExcludedByLabels > 0 ? [`left out ${s.rowsExcludedByLabels} rows inside labelled windows`] : []),
    `streaming detector (the embedded scorer): one forest per container name (${s.detector.containerNames.map((n) => n || "unnamed containers").join(", ")}), trained over ${s.detector.steps} steps; ${(100 * s.detector.expectedAnomalyRate).toFixed(2)} % of the container-steps of its second half graded anomalous (the model-health baseline)`,
    `static forest (what SageMaker would train): ${s.hyperparameters.num_trees} trees × ${s.hyperparameters.num_samples_per_tree} samples (feature_dim ${s.hyperparameters.feature_dim}, seed ${s.seed}) on ${s.vectors} vectors`,
    ...outOfRange.map((w) => `warning: ${w}; the SageMaker training job would reject it`),
    "",
    "static forest's training score distribution (SageMaker's threshold, mean + 3σ, starts the detector's thresholder when an endpoint scores):",
    ...bars,
    `  mean ${st.mean.toFixed(4)}  std ${st.std.toFixed(4)}  p50 ${st.quantiles.p50.toFixed(4)}  p90 ${st.quantiles.p90.toFixed(4)}  p99 ${st.quantiles.p99.toFixed(4)}  max ${st.quantiles.max.toFixed(4)}`,
    `threshold ${st.threshold.toFixed(4)} = mean + ${st.sigmas} × std`,
    "",
    `wrote ${s.files.model}${s.files.sagemakerTrain ? `, ${s.files.sagemakerTrain} (SageMaker train channel)` : ""}${s.files.sagemakerTest ? `, ${s.files.sagemakerTest} (SageMaker test channel)` : ""}`,
  ].join("\n");
}
