import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { calibratedThresholdKey } from "../../runtime/model/calibratedThreshold";
import type { ObjectStore } from "../../runtime/ports";
import { calibrateThreshold } from "../../training/calibrateThreshold";
import { CliError, EXIT_USAGE } from "../cliError";
import { s3ObjectStore } from "./s3ObjectStore";

/** The options of `cad dataset calibrate`, as commander parses them. */
export interface CalibrateCliOptions {
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

/** Runs `cad dataset calibrate`: scores the train/ channel through the endpoint and writes its threshold.json. */
export async function runDatasetCalibrate(o: CalibrateCliOptions): Promise<void> {
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
