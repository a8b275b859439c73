import { Command } from "commander";
import { parsePositiveInt } from "../cliError";
import { SAGEMAKER_TEST_CONTENT_TYPE, SAGEMAKER_TRAIN_CONTENT_TYPE } from "../sageMakerChannels";
import type { TrainCliOptions, TrainSummary } from "../train/train";

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
    .option("--rules <file>", "alert rules file (the shape of the stack config's `rules` key) whose `calendars` the detector will use: the model learns load-like metrics divided by the calendar's hourly level, as the detect handler scores them (other rules do not affect training)")
    .option("--json", "print a JSON summary instead of text")
    .addHelpText("after", "\nExample:\n  npx cad train --input out/demo/metrics.csv --out out/model.json\n")
    .action(async (o: TrainCliOptions) => {
      // Training and the progress bar load only when the command runs: --help stays quick.
      const [{ train }, { formatTrainSummary }, { startProgress }] = await Promise.all([import("../train/train"), import("../train/formatTrainSummary"), import("../progress")]);
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
