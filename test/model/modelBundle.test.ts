import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { parseModelBundle, type ModelBundle } from "../../runtime/model/modelBundle";

const M = DEFAULT_FEATURE_SET.metrics.length;
const bundle: ModelBundle = {
  format: "cad-model/1",
  trainedAt: "2026-01-06T00:00:00.000Z",
  featureSet: DEFAULT_FEATURE_SET,
  normalisation: { mean: Array(M).fill(1), std: Array(M).fill(2) },
  scoreStats: { count: 3, mean: 1, std: 0.1, sigmas: 3, threshold: 1.3, quantiles: { p50: 1, p90: 1.1, p99: 1.2, max: 1.2 } },
  hyperparameters: { feature_dim: M * DEFAULT_FEATURE_SET.shingleSize, num_trees: 100, num_samples_per_tree: 256 },
  seed: 7,
};
const text = (edit: (b: Record<string, unknown>) => void = () => undefined) => {
  const b = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
  edit(b);
  return JSON.stringify(b);
};

describe("parseModelBundle", () => {
  it("parses a bundle (without a forest: the SageMaker case)", () => {
    expect(parseModelBundle(text(), "s3://models/checkout.json")).toEqual(bundle);
  });

  it.each<[string, string, string]>([
    ["not JSON", "{", "model.json: not valid JSON ("],
    ["not an object", "42", "model.json: expected a JSON object"],
    ["another format", text((b) => (b.format = "cad-model/0")), 'model.json: "format" is "cad-model/0", expected "cad-model/1" (is this a model file written by `cad train`?)'],
    ["no feature set", text((b) => delete b.featureSet), 'model.json: "featureSet" is missing'],
    ["a bad feature set", text((b) => (b.featureSet = { ...DEFAULT_FEATURE_SET, stepSeconds: 0 })), 'model.json: featureSet: "stepSeconds" must be a positive integer, got 0'],
    ["normalisation of the wrong length", text((b) => (b.normalisation = { mean: [1], std: [1] })), `model.json: "normalisation" must hold "mean" and "std" arrays of ${M} numbers`],
    ["no threshold", text((b) => (b.scoreStats = {})), 'model.json: "scoreStats.threshold" is missing or not a number'],
    ["a wrong feature_dim", text((b) => (b.hyperparameters = { feature_dim: 3 })), `model.json: "hyperparameters.feature_dim" is 3, expected ${M * DEFAULT_FEATURE_SET.shingleSize} (metrics × shingleSize)`],
    ["a forest of another dimension", text((b) => (b.forest = { dim: 2 })), `model.json: forest dim 2 differs from feature_dim ${M * DEFAULT_FEATURE_SET.shingleSize}`],
  ])("rejects %s, naming the source and the field", (_what, json, message) => {
    expect(() => parseModelBundle(json, "model.json")).toThrow(message);
  });
});
