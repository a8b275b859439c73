import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { FeatureCsvError } from "../../runtime/features/featureRowCsv";
import type { ObjectStore } from "../../runtime/ports";
import { defaultIncidentPlan } from "../../runtime/sim/incidentPlan";
import { buildDataset, DatasetBuildError, type IncidentWindow } from "../../training/buildDataset";
import { collectSimulatedWindows } from "../../training/collectSimulatedWindows";
import { FeatureWindowError } from "../../training/readFeatureWindows";
import { rcfHyperparameters, toSageMakerHyperParameters } from "../../training/hyperparameters";
import { loadFeatureSetOption } from "../featureSetOption";
import { calibratedThresholdKey } from "../../runtime/model/calibratedThreshold";
import { calibrateThreshold } from "../../training/calibrateThreshold";
import { parseBucketName } from "../bucketName";
import { CliError, EXIT_USAGE, parsePositiveInt } from "../cliError";
import { inputFile, inputFolder } from "../inputPath";
import { DEMO_SERVICE, DEMO_START } from "../demo/runDemo";
import { parseTime } from "./collect";

interface BuildOptions {
  input?: string;
  bucket?: string;
  prefix: string;
  from?: string;
  to?: string;
  services?: string[];
  out?: string;
  incidents?: string;
  featureSet: string;
  sourceQueries?: string;
  rowsPerPart?: number;
  endpointUrl?: string;
  region?: string;
  json?: boolean;
}

/** The incidents file `cad dataset simulate` writes and `cad dataset build --incidents` reads. */
export const INCIDENTS_FILE = "incidents.json";

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
    .action(async (o: BuildOptions) => runBuild(o));
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
    .action(async (o: CalibrateCliOptions) => runCalibrate(o));
  dataset
    .command("simulate")
    .description(`collect the demo's simulated "${DEMO_SERVICE}" service into collector windows (what the collector Lambda would have written), plus ${INCIDENTS_FILE} with the injected incidents`)
    .requiredOption("--out <dir>", "directory to write metrics/… and incidents.json into")
    .option("--days <n>", "days to simulate", parsePositiveInt("--days"), 3)
    .option("--seed <n>", "seed of the simulation", parsePositiveInt("--seed"), 7)
    .option("--tasks <n>", "tasks (containers) of the service", parsePositiveInt("--tasks"), 6)
    .option("--json", "print one JSON object (service, windows, rows, incident windows, folder) instead of text")
    .action(async (o: { out: string; days: number; seed: number; tasks: number; json?: boolean }) => {
      const objects = new DirectoryObjectStore(o.out);
      const result = await collectSimulatedWindows({
        service: DEMO_SERVICE,
        tasks: o.tasks,
        seed: o.seed,
        startMs: DEMO_START,
        days: o.days,
        incidents: defaultIncidentPlan(DEMO_START, o.days, o.tasks),
        featureSet: DEFAULT_FEATURE_SET,
        objects,
      });
      const file = result.incidents.map((i) => ({ service: i.service, from: new Date(i.from).toISOString(), to: new Date(i.to).toISOString(), ...(i.container ? { container: i.container } : {}) }));
      await objects.put(INCIDENTS_FILE, JSON.stringify(file, null, 2) + "\n", "application/json");
      if (o.json) process.stdout.write(`${JSON.stringify({ service: DEMO_SERVICE, windows: result.keys.length, rows: result.rows, incidentWindows: file.length, out: o.out })}\n`);
      else process.stdout.write(`wrote ${result.keys.length} windows (${result.rows} rows) of service "${DEMO_SERVICE}" and ${file.length} incident windows to ${o.out}\n`);
    });
  return dataset;
}

async function runBuild(o: BuildOptions): Promise<void> {
  if ((o.input === undefined) === (o.bucket === undefined)) throw new CliError("give exactly one of --input <dir> or --bucket <name>", EXIT_USAGE);
  if (o.input !== undefined && o.out === undefined) throw new CliError("--out <dir> is required with --input", EXIT_USAGE);
  const prefix = o.prefix === "" || o.prefix.endsWith("/") ? o.prefix : `${o.prefix}/`;
  const now = Date.now();
  const from = o.from !== undefined ? parseTime(o.from, now, "--from") : undefined;
  const to = o.to !== undefined ? parseTime(o.to, now, "--to") : undefined;
  if ((from === undefined) !== (to === undefined)) throw new CliError("give both --from and --to, or neither (then the whole span found is used)", EXIT_USAGE);
  const featureSet = loadFeatureSetOption(o.featureSet);
  const services = o.services?.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");

  let input: ObjectStore;
  let inputPrefix = "";
  let where: string;
  if (o.input !== undefined) {
    input = new DirectoryObjectStore(o.input);
    where = o.input;
  } else {
    input = await s3ObjectStore(o.bucket as string, o.region ?? process.env.AWS_REGION ?? "us-east-1", o.endpointUrl);
    inputPrefix = prefix;
    where = `s3://${o.bucket}/${prefix}`;
  }
  const output = o.out !== undefined ? new DirectoryObjectStore(o.out) : input;
  const outputPrefix = o.out !== undefined ? "" : inputPrefix;
  const incidentsFile = o.incidents ?? (o.input !== undefined ? defaultIncidentsFile(o.input) : undefined);
  const incidents = incidentsFile !== undefined ? loadIncidents(incidentsFile) : undefined;
  const sourceQueries = o.sourceQueries !== undefined ? loadSourceQueries(o.sourceQueries) : undefined;

  const r = await buildDataset({
    input,
    inputPrefix,
    output,
    outputPrefix,
    featureSet,
    ...(from !== undefined && to !== undefined ? { range: { from, to } } : {}),
    ...(services ? { services } : {}),
    ...(incidents ? { incidents } : {}),
    ...(sourceQueries ? { sourceQueries } : {}),
    ...(o.rowsPerPart ? { rowsPerPart: o.rowsPerPart } : {}),
  }).catch((err: unknown) => {
    // Bad input is the user's to fix: print the message (it names the object), not a stack trace.
    if (err instanceof DatasetBuildError || err instanceof FeatureWindowError || err instanceof FeatureCsvError) throw new CliError(err.message);
    throw err;
  });
  const m = r.manifest;
  const lines = [`read ${Object.values(m.services).reduce((s, x) => s + x.windows, 0)} windows from ${where}, ${m.range.from} -> ${m.range.to}${incidentsFile ? `; incidents from ${incidentsFile}` : ""}`];
  for (const [name, s] of Object.entries(m.services)) {
    lines.push(
      `  ${name}: ${s.rows} rows of ${s.containers} containers, ${s.gapRows} gap rows skipped, ${s.filledValues} values filled, ${s.duplicateRows} duplicate and ${s.lateRows} late rows; ${s.trainRows} train${m.channels.test ? `, ${s.testRows} test (${s.anomalousTestRows} anomalous)` : ""}`,
    );
  }
  for (const name of m.servicesWithoutData) lines.push(`  ${name}: no data in the range (left out)`);
  const dest = o.out !== undefined ? join(o.out, "training", r.version) : `s3://${o.bucket}/${outputPrefix}training/${r.version}`;
  lines.push(`wrote ${dest}/ (train: ${m.channels.train.parts.length} part(s), ${m.channels.train.rows} rows${m.channels.test ? `; test: ${m.channels.test.parts.length} part(s), ${m.channels.test.rows} rows` : ""}; features.json; manifest.json)`);
  const hp = toSageMakerHyperParameters(rcfHyperparameters(r.features));
  lines.push(`SageMaker hyperparameters: ${Object.entries(hp).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  // The stack's detector refuses a model whose feature set differs from its own `featureSet`, and its training job
  // would train on vectors of another width: say which feature set this is, and how to build with the stack's.
  const fs = r.features.featureSet;
  const builtIn = o.featureSet === "default" || o.featureSet === "collect";
  lines.push(
    `feature set: ${fs.metrics.map((m) => m.name).join(", ")}; step ${fs.stepSeconds} s, fill ${fs.maxFillSteps}, shingle ${fs.shingleSize} (${builtIn ? `the built-in "${o.featureSet}" set` : o.featureSet})`,
  );
  if (builtIn) {
    lines.push('check: a stack trains and detects with its own featureSet; unless it is this one, build with it: pulumi config get featureSet > feature-set.json, then --feature-set feature-set.json');
  }
  lines.push(`next: pulumi config set trainingDataVersion ${r.version} && pulumi up, then cad dataset calibrate --version ${r.version} --endpoint "$(pulumi stack output endpointName)" … && pulumi up`);
  lines.push(r.version);
  if (!o.json) {
    process.stdout.write(lines.join("\n") + "\n");
    return;
  }
  const json = {
    version: r.version,
    input: where,
    ...(incidentsFile ? { incidentsFile } : {}),
    range: m.range,
    services: m.services,
    servicesWithoutData: m.servicesWithoutData,
    out: `${dest}/`,
    channels: m.channels,
    hyperparameters: hp,
    featureSet: { metrics: fs.metrics.map((x) => x.name), stepSeconds: fs.stepSeconds, maxFillSteps: fs.maxFillSteps, shingleSize: fs.shingleSize, from: o.featureSet },
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

/** An S3-backed object store; the S3 client is loaded only here, so commands that never touch S3 start faster. */
async function s3ObjectStore(bucket: string, region: string, endpointUrl: string | undefined): Promise<ObjectStore> {
  const [{ S3Client }, { S3ObjectStore }] = await Promise.all([import("@aws-sdk/client-s3"), import("../../runtime/adapters/s3/S3ObjectStore")]);
  return new S3ObjectStore(new S3Client({ region, ...(endpointUrl ? { endpoint: endpointUrl, forcePathStyle: true } : {}) }), bucket);
}

function defaultIncidentsFile(inputDir: string): string | undefined {
  const path = join(inputDir, INCIDENTS_FILE);
  try {
    readFileSync(path);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * Reads an incidents file: a JSON array of `{service, from, to, container?}` with ISO-8601 times.
 *
 * @throws CliError naming the file and the entry at fault.
 */
export function loadIncidents(file: string): IncidentWindow[] {
  const raw = readJson(file, "--incidents");
  if (!Array.isArray(raw)) throw new CliError(`${file}: expected a JSON array of {service, from, to, container?}`, EXIT_USAGE);
  return raw.map((e: unknown, i) => {
    const entry = e as Record<string, unknown> | null;
    const at = `${file}: entry ${i}`;
    if (entry === null || typeof entry !== "object") throw new CliError(`${at}: expected an object`, EXIT_USAGE);
    if (typeof entry.service !== "string" || entry.service === "") throw new CliError(`${at}: "service" must be a non-empty string`, EXIT_USAGE);
    const time = (field: "from" | "to"): number => {
      const v = entry[field];
      const ms = typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) throw new CliError(`${at}: "${field}" must be an ISO-8601 time like 2026-01-06T16:00:00Z, got ${JSON.stringify(v)}`, EXIT_USAGE);
      return ms;
    };
    const window: IncidentWindow = { service: entry.service, from: time("from"), to: time("to") };
    if (entry.container === undefined) return window;
    if (typeof entry.container !== "string" || entry.container === "") throw new CliError(`${at}: "container" must be a non-empty string when given`, EXIT_USAGE);
    return { ...window, container: entry.container };
  });
}

function loadSourceQueries(file: string): Record<string, string> {
  const raw = readJson(file, "--source-queries");
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === "string")) {
    throw new CliError(`${file}: expected a JSON object of source name → query text`, EXIT_USAGE);
  }
  return raw as Record<string, string>;
}

function readJson(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf-8");
  } catch (e) {
    throw new CliError(`${option} ${file}: cannot read (${(e as Error).message})`, EXIT_USAGE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${(e as Error).message})`, EXIT_USAGE);
  }
}

interface CalibrateCliOptions {
  version: string;
  endpoint: string;
  input?: string;
  bucket?: string;
  prefix: string;
  region?: string;
  endpointUrl?: string;
  sagemakerUrl?: string;
  json?: boolean;
}

async function runCalibrate(o: CalibrateCliOptions): Promise<void> {
  if ((o.input === undefined) === (o.bucket === undefined)) throw new CliError("give exactly one of --input <dir> or --bucket <name>", EXIT_USAGE);
  const prefix = o.prefix === "" || o.prefix.endsWith("/") ? o.prefix : `${o.prefix}/`;
  const region = o.region ?? process.env.AWS_REGION ?? "us-east-1";
  const objects: ObjectStore = o.input !== undefined ? new DirectoryObjectStore(o.input) : await s3ObjectStore(o.bucket as string, region, o.endpointUrl);
  // The SDK clients load only for the command that needs them: the others (and --help) start faster.
  const [{ SageMakerRuntimeClient }, { SageMakerScorer }] = await Promise.all([import("@aws-sdk/client-sagemaker-runtime"), import("../../runtime/adapters/sagemaker/SageMakerScorer")]);
  const client = new SageMakerRuntimeClient({ region, maxAttempts: 1, ...(o.sagemakerUrl ? { endpoint: o.sagemakerUrl } : {}) });
  const scorer = new SageMakerScorer({ client, endpointName: o.endpoint });
  const t = await calibrateThreshold(objects, o.input !== undefined ? "" : prefix, o.version, scorer, {
    endpoint: o.endpoint,
    ...(o.json ? {} : { onProgress: (done: number, total: number) => process.stderr.write(`\rscored ${done} / ${total} training vectors`) }),
  });
  if (!o.json) process.stderr.write("\n");
  const st = t.scoreStats;
  const written = `${o.input !== undefined ? o.input + "/" : `s3://${o.bucket}/`}${calibratedThresholdKey(o.input !== undefined ? "" : prefix, t.version)}`;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...t, file: written })}\n`);
    return;
  }
  process.stdout.write(
    `endpoint ${t.endpoint} on ${t.version}: ${st.count} scores, mean ${st.mean.toFixed(4)}, std ${st.std.toFixed(4)}, threshold ${st.threshold.toFixed(4)} (mean + ${st.sigmas}σ); ` +
      `${(t.expectedAnomalyRate * 100).toFixed(2)} % of training vectors above it\nwrote ${written}\n`,
  );
}
