import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryObjectStore } from "../../../runtime/adapters/local/DirectoryObjectStore";
import { DEFAULT_FEATURE_SET } from "../../../runtime/features/defaultFeatureSet";
import { sealModelBundle } from "../../../runtime/model/modelBundle";
import { loadDetectionModel } from "../../../runtime/lambda/detectLambda";
import type { DetectEnv } from "../../../runtime/lambda/lambdaEnv";
import type { Scorer } from "../../../runtime/ports";
import { buildDataset } from "../../../training/buildDataset";
import { calibrateThreshold } from "../../../training/calibrateThreshold";
import { collectSimulatedWindows } from "../../../training/collectSimulatedWindows";
import { trainModel } from "../../../training/trainModel";
import { EcsServiceSimulator } from "../../../runtime/sim/EcsServiceSimulator";

const START = Date.UTC(2026, 0, 5);
let dir: string;
let bucket: DirectoryObjectStore;
let version: string;

/** Stands in for the endpoint: SageMaker's scores differ in value from the local forest's, so make them obviously different. */
const endpoint: Scorer = { score: async (vs) => vs.map((v) => ({ score: 10 + v.reduce((a, b) => a + Math.abs(b), 0) })) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-load-model-"));
  bucket = new DirectoryObjectStore(join(dir, "bucket"));
  await collectSimulatedWindows({ service: "checkout", tasks: 2, seed: 3, startMs: START, days: 1, incidents: [], featureSet: DEFAULT_FEATURE_SET, objects: bucket });
  ({ version } = await buildDataset({ input: bucket, inputPrefix: "", output: bucket, outputPrefix: "", featureSet: DEFAULT_FEATURE_SET }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (over: Partial<DetectEnv>): DetectEnv =>
  ({ scorer: "sagemaker", endpointName: "cad-dev-rcf", trainingDataVersion: version, bucket: "b", modelKey: "models/current/model-bundle.json", featureSet: DEFAULT_FEATURE_SET, ...over }) as DetectEnv;

describe("the detect Lambda's model", () => {
  it("SageMaker: features.json of the deployed version plus the endpoint's own calibrated threshold", async () => {
    await expect(loadDetectionModel(bucket, env({}))).rejects.toThrow(new RegExp(`training/${version}/threshold\\.json: not found; calibrate`));
    const calibrated = await calibrateThreshold(bucket, "", version, endpoint, { endpoint: "cad-dev-rcf", now: () => new Date("2026-01-09T00:00:00Z") });
    const loaded = await loadDetectionModel(bucket, env({}));
    expect(loaded.scorer).toBe("sagemaker");
    expect(loaded.warmStart).toBeUndefined();
    // The endpoint's own score distribution starts the thresholder (its scale, not the local forest's ~1).
    expect(loaded.calibration).toEqual({ mean: calibrated.scoreStats.mean, sd: calibrated.scoreStats.std });
    expect(loaded.calibration?.mean).toBeGreaterThan(10);
    expect(loaded.expectedAnomalyRate).toBe(calibrated.expectedAnomalyRate);
    expect(loaded.featureSet).toEqual(DEFAULT_FEATURE_SET);
    expect(loaded.label).toBe(`${version} (threshold calibrated 2026-01-09T00:00:00.000Z on cad-dev-rcf)`);
    // Another calibration is another model: a detector state saved for the old one is not continued.
    const again = await calibrateThreshold(bucket, "", version, endpoint, { endpoint: "cad-dev-rcf", now: () => new Date("2026-01-10T00:00:00Z") });
    expect(again.calibratedAt).not.toBe(calibrated.calibratedAt);
    expect((await loadDetectionModel(bucket, env({}))).id).not.toBe(loaded.id);
  });

  it("SageMaker: refuses a configured feature set that differs from the training set's, naming the difference", async () => {
    const other = { ...DEFAULT_FEATURE_SET, shingleSize: 4 };
    await expect(loadDetectionModel(bucket, env({ featureSet: other }))).rejects.toThrow(/features\.json.*shingleSize/s);
  });

  it("embedded: the model bundle at the configured key, which must carry its trained detector", async () => {
    await expect(loadDetectionModel(bucket, env({ scorer: "embedded" }))).rejects.toThrow("no model bundle at s3://b/models/current/model-bundle.json: train one (cad train) and upload it there");
    const sim = new EcsServiceSimulator({ service: "checkout", tasks: 2, seed: 3, startMs: START, incidents: [] });
    sim.advanceTo(START + 3_600_000 * 6);
    const { model } = trainModel(await sim.fetch("checkout", { from: START, to: START + 3_600_000 * 6 }), { featureSet: DEFAULT_FEATURE_SET, numTrees: 10, sampleSize: 64, trainedAt: "2026-01-05T06:00:00.000Z" });
    mkdirSync(join(dir, "bucket", "models", "current"), { recursive: true });
    const { detector: _dropped, ...withoutDetector } = model;
    writeFileSync(join(dir, "bucket", "models", "current", "model-bundle.json"), JSON.stringify(sealModelBundle(withoutDetector)));
    await expect(loadDetectionModel(bucket, env({ scorer: "embedded" }))).rejects.toThrow("has no trained detector: the embedded scorer needs a model trained on rows");
    writeFileSync(join(dir, "bucket", "models", "current", "model-bundle.json"), JSON.stringify(model));
    const loaded = await loadDetectionModel(bucket, env({ scorer: "embedded" }));
    expect(loaded.scorer).toBe("embedded");
    expect([...(loaded.warmStart?.keys() ?? [])]).toEqual(["app", "envoy"]);
    expect(loaded.expectedAnomalyRate).toBe(model.detector?.expectedAnomalyRate);
    expect(loaded.label).toBe("bundle trained 2026-01-05T06:00:00.000Z (app, envoy)");
  });
});
