import { describe, expect, it } from "vitest";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { parseModelBundle } from "../../runtime/model/modelBundle";
import { RandomCutForest } from "../../runtime/model/randomCutForest";
import { fitThreshold } from "../../runtime/model/scoreThreshold";
import { trainModel, trainOnRows } from "../../training/trainModel";
import { HARNESS_FS, harnessSamples, T0, MIN } from "../helpers/detectHarness";

const samples = harnessSamples().filter((s) => s.timestamp < T0 + 300 * MIN);
const OPTS = { featureSet: HARNESS_FS, numTrees: 30, sampleSize: 64, seed: 9, trainedAt: "2026-01-05T05:00:00.000Z" };

describe("trainModel", () => {
  const result = trainModel(samples, OPTS);
  const { model } = result;

  it("writes a bundle with the feature set, normalisation, the trained streaming detector, SageMaker-named hyperparameters and the static forest", () => {
    expect(model.detector).toMatchObject({ containerNames: [""], steps: 300, profile: { shingleSize: 1, seed: 9 } });
    expect(model.detector?.expectedAnomalyRate).toBeGreaterThan(0);
    expect(model.detector?.expectedAnomalyRate).toBeLessThan(0.1);
    expect(model).toMatchObject({ format: "cad-model/2", trainedAt: OPTS.trainedAt, featureSet: HARNESS_FS, seed: 9, hyperparameters: { feature_dim: 3, num_trees: 30, num_samples_per_tree: 64 } });
    expect(result.vectors).toBe(300 * 4);
    expect(result.alignment).toMatchObject({ samples: samples.length, rows: 1200, duplicates: 0, gapRows: 0 });
    expect(model.normalisation.mean[0]).toBeCloseTo(40, 0);
    expect(model.forest?.numTrees).toBe(30);
    expect(parseModelBundle(JSON.stringify(model), "model.json")).toEqual(model);
  });

  it("sets the threshold at mean + 3σ of the forest's scores of its own training vectors", () => {
    expect(result.trainingScores).toHaveLength(1200);
    const expected = fitThreshold(result.trainingScores, 3);
    expect(model.scoreStats).toEqual(expected);
    const forest = RandomCutForest.fromState(JSON.parse(JSON.stringify(model.forest)) as NonNullable<typeof model.forest>);
    const first = samples.filter((s) => s.container === "c1" && s.timestamp < T0 + MIN);
    const v = HARNESS_FS.metrics.map((m, i) => ((first.find((s) => s.metric === m.name)?.value ?? NaN) - model.normalisation.mean[i]) / model.normalisation.std[i]);
    expect(forest.score(v)).toBe(result.trainingScores[0]);
  });

  it("is reproducible: the same samples, seed and time give the same file", () => {
    expect(JSON.stringify(trainModel(samples, OPTS).model)).toBe(JSON.stringify(model));
    expect(JSON.stringify(trainModel(samples, { ...OPTS, seed: 10 }).model.forest)).not.toBe(JSON.stringify(model.forest));
  });

  it("fails clearly on empty input, an invalid feature set, all-gap rows and too few rows for a shingle", () => {
    expect(() => trainModel([], OPTS)).toThrow("no samples to align: the input is empty");
    expect(() => trainModel(samples, { ...OPTS, featureSet: { ...HARNESS_FS, shingleSize: 0 } })).toThrow('feature set: shingleSize: must be an integer >= 1, got 0');
    const gapRow = { service: "s", container: "c", timestamp: T0, values: [NaN, NaN, NaN], filled: 0, gap: true };
    expect(() => trainOnRows([gapRow], OPTS)).toThrow("cannot learn normalisation: every training row is a gap");
    const fs4: FeatureSet = { ...HARNESS_FS, shingleSize: 4 };
    const rows = [0, 1, 2].map((m) => ({ service: "s", container: "c", timestamp: T0 + m * MIN, values: [1, 2, 3], filled: 0, gap: false }));
    expect(() => trainOnRows(rows, { ...OPTS, featureSet: fs4 })).toThrow("no complete shingles of 4 consecutive gap-free rows in the training data");
  });

  it("refuses statistics that cannot be represented (one 1e308 cell), naming the column and the row, instead of writing std = null", () => {
    const hit = samples.find((x) => x.metric === "memory" && x.timestamp === T0 + 7 * MIN + 10_000) as (typeof samples)[number];
    const poisoned = samples.map((x) => (x === hit ? { ...x, value: 1e308 } : x));
    // The sum stays finite (mean ≈ 8.3e304); the sum of squares does not.
    expect(() => trainModel(poisoned, OPTS)).toThrow(
      `cannot learn normalisation: column "memory" has mean 8.333333333333333e+304 and standard deviation Infinity, which are not representable numbers; ` +
        `its most extreme value is the cause: the row of ${hit.service}/${hit.container} at ${new Date(T0 + 7 * MIN).toISOString()} holds 1e+308. Fix or remove that row`,
    );
  });
});
