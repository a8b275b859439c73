import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { bundleChecksum, decodeTrainedGroups, parseModelBundle, sealModelBundle, type ModelBundle } from "../../runtime/model/modelBundle";
import { ThresholdedForest } from "../../runtime/model/thresholdedForest";
import { encodeTrainedGroups } from "../../runtime/model/modelBundle";

const M = DEFAULT_FEATURE_SET.metrics.length;
const bundle: ModelBundle = sealModelBundle({
  format: "cad-model/2",
  trainedAt: "2026-01-06T00:00:00.000Z",
  featureSet: DEFAULT_FEATURE_SET,
  normalisation: { mean: Array(M).fill(1), std: Array(M).fill(2) },
  scoreStats: { count: 3, mean: 1, std: 0.1, sigmas: 3, threshold: 1.3, quantiles: { p50: 1, p90: 1.1, p99: 1.2, max: 1.2 } },
  hyperparameters: { feature_dim: M * DEFAULT_FEATURE_SET.shingleSize, num_trees: 100, num_samples_per_tree: 256 },
  seed: 7,
});
/** The bundle as JSON after `edit`; resealed unless `reseal` is false (an edit made after training). */
const text = (edit: (b: Record<string, unknown>) => void = () => undefined, reseal = true) => {
  const b = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
  edit(b);
  return JSON.stringify(reseal ? { ...b, checksum: bundleChecksum(b as unknown as ModelBundle) } : b);
};

describe("parseModelBundle", () => {
  it("parses a bundle (without a detector or forest: the SageMaker case)", () => {
    expect(parseModelBundle(text(), "s3://models/checkout.json")).toEqual(bundle);
  });

  it("refuses a bundle edited after training: two metrics swapped in the feature set", () => {
    const swapped = text((b) => {
      const fs = b.featureSet as { metrics: unknown[] };
      [fs.metrics[0], fs.metrics[1]] = [fs.metrics[1], fs.metrics[0]];
    }, false);
    expect(() => parseModelBundle(swapped, "model.json")).toThrow("model.json: the checksum does not match the content (the file was edited or damaged after training); retrain rather than edit a model");
  });

  it.each<[string, string, string]>([
    ["not JSON", "{", "model.json: not valid JSON ("],
    ["not an object", "42", "model.json: expected a JSON object"],
    ["another format", text((b) => (b.format = "cad-model/1")), 'model.json: "format" is "cad-model/1", expected "cad-model/2" (a model file written by `cad train` of this version; retrain older ones)'],
    ["no feature set", text((b) => delete b.featureSet), "model.json: featureSet: is missing"],
    ["a bad feature set", text((b) => (b.featureSet = { ...DEFAULT_FEATURE_SET, stepSeconds: 0 })), 'model.json: featureSet: "stepSeconds" must be a positive integer, got 0'],
    ["normalisation of the wrong length", text((b) => (b.normalisation = { mean: [1], std: [1] })), `model.json: "normalisation" must hold "mean" and "std" arrays of ${M} numbers`],
    ["a zero scale", text((b) => (b.normalisation = { mean: Array(M).fill(1), std: Array(M).fill(0) })), "model.json: normalisation.std.0:"],
    ["no threshold", text((b) => (b.scoreStats = {})), "model.json: scoreStats.count: is missing (and 5 more problems)"],
    ["a wrong feature_dim", text((b) => (b.hyperparameters = { feature_dim: 3, num_trees: 1, num_samples_per_tree: 1 })), `model.json: "hyperparameters.feature_dim" is 3, expected ${M * DEFAULT_FEATURE_SET.shingleSize} (metrics × shingleSize)`],
    ["a forest of another dimension", text((b) => (b.forest = { dim: 2 })), `model.json: forest dim 2 differs from feature_dim ${M * DEFAULT_FEATURE_SET.shingleSize}`],
    ["no checksum", text((b) => delete b.checksum, false), "model.json: checksum: is missing"],
  ])("rejects %s, naming the source and the field", (_what, json, message) => {
    expect(() => parseModelBundle(json, "model.json")).toThrow(message);
  });

  it("carries the trained detector's group models, and names a damaged one", () => {
    const model = new ThresholdedForest({ inputs: M, numTrees: 5, sampleSize: 16, shingleSize: 1 });
    for (let i = 0; i < 40; i++) model.process(Array.from({ length: M }, (_, m) => m + (i % 3)));
    const detector = { profile: { shingleSize: 1 }, containerNames: ["app"], steps: 40, expectedAnomalyRate: 0, groups: encodeTrainedGroups([{ name: "app", model: model.toState() }]) };
    const withDetector = sealModelBundle({ ...bundle, detector });
    const parsed = parseModelBundle(JSON.stringify(withDetector), "model.json");
    const groups = decodeTrainedGroups(parsed.detector as NonNullable<ModelBundle["detector"]>, "model.json");
    expect([...groups.keys()]).toEqual(["app"]);
    expect(ThresholdedForest.fromState(groups.get("app") as never).scoredSteps()).toBe(model.scoredSteps());
    const damaged = { ...detector, groups: Buffer.from("not a state").toString("base64") };
    expect(() => decodeTrainedGroups(damaged, "model.json")).toThrow(/model\.json: detector\.groups: not a binary detector state/);
  });
});
