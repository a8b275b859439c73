import { Command, Option } from "commander";
import { parseBucketName } from "../bucketName";
import { parsePositiveInt } from "../cliError";
import { INCIDENTS_FILE } from "../dataset/loadIncidents";
import type { BuildOptions } from "../dataset/runDatasetBuild";
import type { CalibrateCliOptions } from "../dataset/runDatasetCalibrate";
import type { SimulateOptions } from "../dataset/runDatasetSimulate";
import { DEMO_SERVICE } from "../demo/demoService";
import { inputFile, inputFolder } from "../inputPath";

/** `cad dataset`: build versioned SageMaker training sets from the collector's windows. */
export function datasetCommand(): Command {
  const dataset = new Command("dataset").description("build versioned SageMaker training sets from collected feature-row windows");
  dataset
    .command("build")
    .description("read the collector's windows (a directory or an S3 bucket) and write training/<version>/ (train/, test/, features.json, manifest.json); prints the version last")
    .option("--input <dir>", "directory holding the collector's metrics/service=…/date=…/*.csv windows", inputFolder("--input"))
    .option("--bucket <name>", "S3 bucket holding the windows (and, without --out, receiving the training set)", parseBucketName("--bucket"))
    .option("--prefix <prefix>", "key prefix above metrics/ and training/ (with --bucket)", "")
    .option("--from <time>", "first step (ISO-8601 date or time, or relative like -7d); default: the first step found")
    .option("--to <time>", "end (exclusive); default: just after the last step found")
    .option("--services <names...>", "services to include (space or comma separated); default: every service found")
    .option("--out <dir>", "write training/<version>/ under this directory (required with --input)")
    .option("--incidents <file>", `JSON list of {service, from, to, container?} incident windows: adds a labelled test/ channel (default with --input: <input>/${INCIDENTS_FILE} if present)`, inputFile("--incidents"))
    .addOption(new Option("--feature-set <name|file>", 'the feature set the detector is configured with: "default", "collect" (cad collect\'s), or a JSON file (a feature set, or a model.json / features.json holding one)').default("default"))
    .option("--source-queries <file>", "JSON object of source name → query text, recorded in features.json", inputFile("--source-queries"))
    .option("--rows-per-part <n>", "records per part file", parsePositiveInt("--rows-per-part"))
    .option("--endpoint-url <url>", "S3-compatible endpoint (MinIO, LocalStack); path-style addressing")
    .option("--region <region>", "AWS region of the bucket (default: AWS_REGION)")
    .option("--json", "print one JSON object (version, where from and to, per-service counts, channels, hyperparameters) instead of text")
    .action(async (o: BuildOptions) => {
      // Each sub-command loads its implementation (and the AWS SDK, when it needs it) only when it runs: --help stays quick.
      const { runDatasetBuild } = await import("../dataset/runDatasetBuild");
      await runDatasetBuild(o);
    });
  dataset
    .command("calibrate")
    .description("score a training set's train/ channel through the deployed SageMaker endpoint and store the endpoint's own threshold (training/<version>/threshold.json), which the detect Lambda loads: SageMaker's RCF scores differ in value from the local forest's")
    .requiredOption("--version <version>", "the training set version (ds-…), as `cad dataset build` printed it")
    .requiredOption("--endpoint <name>", "the SageMaker endpoint serving the model trained on that version (`pulumi stack output endpointName`)")
    .option("--input <dir>", "a local directory holding training/<version>/ (what `build --out` wrote)", inputFolder("--input"))
    .option("--bucket <name>", "the bucket holding <prefix>training/<version>/", parseBucketName("--bucket"))
    .option("--prefix <prefix>", "key prefix of the training sets in the bucket", "")
    .option("--region <region>", "AWS region of the bucket and the endpoint (default: AWS_REGION)")
    .option("--endpoint-url <url>", "S3-compatible endpoint (MinIO, LocalStack); path-style addressing")
    .option("--sagemaker-url <url>", "SageMaker runtime endpoint override (VPC endpoint, tests)")
    .option("--json", "print one JSON object (the threshold and score statistics, the file written) instead of text")
    .action(async (o: CalibrateCliOptions) => {
      const { runDatasetCalibrate } = await import("../dataset/runDatasetCalibrate");
      await runDatasetCalibrate(o);
    });
  dataset
    .command("simulate")
    .description(`collect the demo's simulated "${DEMO_SERVICE}" service into collector windows (what the collector Lambda would have written), plus ${INCIDENTS_FILE} with the injected incidents`)
    .requiredOption("--out <dir>", "directory to write metrics/… and incidents.json into")
    .option("--days <n>", "days to simulate", parsePositiveInt("--days"), 3)
    .option("--seed <n>", "seed of the simulation", parsePositiveInt("--seed"), 7)
    .option("--tasks <n>", "tasks (containers) of the service", parsePositiveInt("--tasks"), 6)
    .option("--json", "print one JSON object (service, windows, rows, incident windows, folder) instead of text")
    .action(async (o: SimulateOptions) => {
      const { runDatasetSimulate } = await import("../dataset/runDatasetSimulate");
      await runDatasetSimulate(o);
    });
  return dataset;
}
