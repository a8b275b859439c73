import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { FeatureCsvError } from "../../runtime/features/featureRowCsv";
import type { ObjectStore } from "../../runtime/ports";
import { buildDataset, DatasetBuildError } from "../../training/buildDataset";
import { FeatureWindowError } from "../../training/readFeatureWindows";
import { rcfHyperparameters, toSageMakerHyperParameters } from "../../training/hyperparameters";
import { CliError, EXIT_USAGE } from "../cliError";
import { loadFeatureSetOption } from "../featureSetOption";
import { parseTime } from "../parseTime";
import { INCIDENTS_FILE, loadIncidents } from "./loadIncidents";
import { readJsonFile } from "./readJsonFile";
import { s3ObjectStore } from "./s3ObjectStore";

/** The options of `cad dataset build`, as commander parses them. */
export interface BuildOptions {
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

/** Runs `cad dataset build`: reads the windows, writes training/<version>/ and prints what it wrote (the version last). */
export async function runDatasetBuild(o: BuildOptions): Promise<void> {
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

function defaultIncidentsFile(inputDir: string): string | undefined {
  const path = join(inputDir, INCIDENTS_FILE);
  try {
    readFileSync(path);
    return path;
  } catch {
    return undefined;
  }
}

function loadSourceQueries(file: string): Record<string, string> {
  const raw = readJsonFile(file, "--source-queries");
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === "string")) {
    throw new CliError(`${file}: expected a JSON object of source name → query text`, EXIT_USAGE);
  }
  return raw as Record<string, string>;
}
