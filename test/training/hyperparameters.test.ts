import { describe, expect, it } from "vitest";
import { HyperparameterError, rcfHyperparameters, toSageMakerHyperParameters } from "../../training/hyperparameters";

describe("RCF hyperparameters", () => {
  it("derives feature_dim from features.json and takes SageMaker's defaults", () => {
    expect(rcfHyperparameters({ featureDim: 28 })).toEqual({ feature_dim: 28, num_trees: 100, num_samples_per_tree: 256 });
  });

  it("accepts the edges of SageMaker's ranges and writes the string map a training job takes", () => {
    const hp = rcfHyperparameters({ featureDim: 10_000 }, { num_trees: 1000, num_samples_per_tree: 1, eval_metrics: ["accuracy", "precision_recall_fscore"] });
    expect(toSageMakerHyperParameters(hp)).toEqual({ feature_dim: "10000", num_samples_per_tree: "1", num_trees: "1000", eval_metrics: '["accuracy", "precision_recall_fscore"]' });
    expect(toSageMakerHyperParameters(rcfHyperparameters({ featureDim: 1 }, { num_trees: 50, num_samples_per_tree: 2048 }))).toEqual({ feature_dim: "1", num_samples_per_tree: "2048", num_trees: "50" });
  });

  it("lists every value out of range before anything is submitted", () => {
    const err = (() => {
      try {
        rcfHyperparameters({ featureDim: 10_001 }, { num_trees: 49, num_samples_per_tree: 2.5 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HyperparameterError);
    expect((err as HyperparameterError).problems).toEqual([
      "feature_dim is 10001; SageMaker accepts an integer from 1 to 10000",
      "num_trees is 49; SageMaker accepts an integer from 50 to 1000",
      "num_samples_per_tree is 2.5; SageMaker accepts an integer from 1 to 2048",
    ]);
    expect(() => rcfHyperparameters({ featureDim: 4 }, { num_trees: 1001 })).toThrow("invalid RCF hyperparameters:\n  num_trees is 1001; SageMaker accepts an integer from 50 to 1000");
    expect(() => rcfHyperparameters({ featureDim: 4 }, { num_samples_per_tree: 0 })).toThrow("num_samples_per_tree is 0");
    expect(() => rcfHyperparameters({ featureDim: 4 }, { eval_metrics: [] })).toThrow("eval_metrics is empty");
  });
});
