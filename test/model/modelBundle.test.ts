import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { bundleChecksum, canonicalJson } from "../../runtime/model/bundleChecksum";
import { decodeTrainedGroups, encodeTrainedGroups, parseModelBundle, sealModelBundle, type ModelBundle } from "../../runtime/model/modelBundle";
import { ThresholdedForest } from "../../runtime/model/thresholdedForest";

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
/** The bundle as JSON after `edit`; `reseal` recomputes the checksum, as a writer (not an editor) would. */
const text = (edit: (b: Record<string, unknown>) => void = () => undefined, reseal = true) => {
  const b = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
  edit(b);
  if (reseal) b.checksum = bundleChecksum(b);
  return JSON.stringify(b);
};

describe("parseModelBundle", () => {
  it("parses a sealed bundle (without a forest: the SageMaker case)", () => {
    expect(bundle.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parseModelBundle(text(), "s3://models/checkout.json")).toEqual(bundle);
  });

  it.each<[string, string, string]>([
    ["not JSON", "{", "model.json: not valid JSON ("],
    ["not an object", "42", "model.json: expected a JSON object"],
    ["another format (an older bundle)", text((b) => (b.format = "cad-model/1")), 'model.json: format: is "cad-model/1", expected "cad-model/2" (a model file written by `cad train` of this version; retrain older ones)'],
    ["no feature set", text((b) => delete b.featureSet), "model.json: featureSet: missing"],
    ["a bad feature set", text((b) => (b.featureSet = { ...DEFAULT_FEATURE_SET, stepSeconds: 0 })), "model.json: featureSet.stepSeconds: must be a positive integer, got 0"],
    ["normalisation of the wrong length", text((b) => (b.normalisation = { mean: [1], std: [1] })), "model.json: normalisation: must hold one mean and one std per metric of featureSet"],
    ["no threshold", text((b) => (b.scoreStats = {})), "model.json: scoreStats.count: missing; scoreStats.mean: missing; scoreStats.std: missing; … and 3 more problem(s)"],
    ["a wrong feature_dim", text((b) => (b.hyperparameters = { feature_dim: 3, num_trees: 100, num_samples_per_tree: 256 })), "model.json: hyperparameters.feature_dim: must equal metrics × shingleSize, got"],
    ["a forest of another dimension", text((b) => (b.forest = { format: "cad-rcf/1", dim: 2, numTrees: 1, sampleSize: 4, seed: 1, trees: [] })), "model.json: forest.dim: must equal hyperparameters.feature_dim"],
  ])("rejects %s, naming the source and the field", (_what, json, message) => {
    expect(() => parseModelBundle(json, "model.json")).toThrow(message);
  });

  it("refuses a std that overflowed in training (written as null), naming the metric", () => {
    const overflowed = text((b) => ((b.normalisation as { std: (number | null)[] }).std[1] = null));
    expect(() => parseModelBundle(overflowed, "model.json")).toThrow('model.json: normalisation.std[1] (metric "container.memory.utilized"): expected a number, got null');
  });

  it("refuses a model whose featureSet was edited after training: two metrics swapped", () => {
    const swapped = text((b) => {
      const fs = b.featureSet as { metrics: unknown[] };
      [fs.metrics[0], fs.metrics[1]] = [fs.metrics[1], fs.metrics[0]];
    }, false);
    expect(() => parseModelBundle(swapped, "model.json")).toThrow(/^model\.json: checksum: the content does not match the stored checksum \(sha256:.*\): the file was changed after training \(e\.g\. metrics reordered in featureSet\); retrain with `cad train` instead of editing it$/);
  });

  it("refuses a bundle without a checksum, and notes an edit next to a field error", () => {
    expect(() => parseModelBundle(text((b) => delete b.checksum, false), "model.json")).toThrow("model.json: checksum: missing; a model written by `cad train` carries one");
    expect(() => parseModelBundle(text((b) => (b.seed = "x"), false), "model.json")).toThrow('model.json: seed: expected a number, got "x"; and its checksum does not match its content: the file was changed after training');
  });

  it("ignores key order and whitespace: a pretty-printed copy still matches", () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text()) as Record<string, unknown>).reverse()), null, 2);
    expect(parseModelBundle(reordered, "model.json")).toEqual(bundle);
  });
});

describe("the trained detector in a bundle", () => {
  it("carries each container name's model through the bundle's JSON, and names a damaged one", () => {
    const model = new ThresholdedForest({ inputs: M, numTrees: 5, sampleSize: 16, shingleSize: 1 });
    for (let i = 0; i < 40; i++) model.process(Array.from({ length: M }, (_, m) => m + (i % 3)));
    const detector = { profile: { shingleSize: 1 }, containerNames: ["app"], steps: 40, expectedAnomalyRate: 0.01, groups: encodeTrainedGroups([{ name: "app", model: model.toState() }]) };
    const parsed = parseModelBundle(JSON.stringify(sealModelBundle({ ...bundle, detector })), "model.json");
    const groups = decodeTrainedGroups(parsed.detector as NonNullable<ModelBundle["detector"]>, "model.json");
    expect([...groups.keys()]).toEqual(["app"]);
    expect(ThresholdedForest.fromState(groups.get("app") as never).scoredSteps()).toBe(model.scoredSteps());
    const damaged = { ...detector, groups: Buffer.from("not a state").toString("base64") };
    expect(() => decodeTrainedGroups(damaged, "model.json")).toThrow(/model\.json: detector\.groups: not a binary detector state/);
    expect(() => parseModelBundle(JSON.stringify(sealModelBundle({ ...bundle, detector: { ...detector, expectedAnomalyRate: 2 } })), "model.json")).toThrow("model.json: detector.expectedAnomalyRate: expected a fraction in [0, 1], got 2");
  });
});

describe("bundleChecksum", () => {
  it("covers every field but the checksum itself, including fields added later", () => {
    const extended = { ...bundle, warmStart: { state: "AAAA" } };
    expect(bundleChecksum(extended)).not.toBe(bundleChecksum(bundle));
    expect(bundleChecksum({ ...bundle, checksum: "sha256:other" })).toBe(bundleChecksum(bundle));
    expect(canonicalJson({ b: 1, a: [2, { d: undefined, c: 3 }] })).toBe('{"a":[2,{"c":3}],"b":1}');
  });
});
