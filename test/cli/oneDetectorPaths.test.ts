import { describe, expect, it } from "vitest";
import { detectEntity, labelledFeatureSet, LABELLED_T0, type LabelledEntity } from "../../cli/labelled/detectEntity";
import { runBacktest } from "../../cli/replay/runBacktest";
import { fillRowGaps } from "../../runtime/evaluation/fillRowGaps";
import { Random } from "../../runtime/model/random";
import type { MetricSample } from "../../runtime/types";
import { trainModel } from "../../training/trainModel";

const MIN = 60_000;

/** A labelled entity: 600 training steps of 3 metrics, then 200 test steps with a level shift of metric 1 at test step 120. */
function entity(): LabelledEntity {
  const r = new Random(21);
  const row = (t: number, shifted: boolean) => [50 + 5 * Math.sin(t / 40) + r.normal(), (shifted ? 140 : 100) + 2 * r.normal(), 10 + 0.5 * r.normal()];
  const train = Array.from({ length: 600 }, (_, t) => row(t, false));
  const test = Array.from({ length: 200 }, (_, t) => row(600 + t, t >= 120 && t < 150));
  return { name: "svc", train, test, labels: test.map((_, t) => (t >= 120 && t < 150 ? 1 : 0)) };
}

/** The rows as the collector would deliver them: one sample per metric and step, none where a value is missing (NaN). */
function samples(e: LabelledEntity, rows: readonly (readonly number[])[], offset: number): MetricSample[] {
  const fs = labelledFeatureSet(rows[0].length);
  return rows.flatMap((values, i) => fs.metrics.flatMap((m, k) => (Number.isNaN(values[k]) ? [] : [{ service: e.name, container: "series", metric: m.name, timestamp: LABELLED_T0 + (offset + i) * MIN, value: values[k] }])));
}

/** `rows` with metric `m` missing at steps [from, to). */
function withMissing(rows: readonly (readonly number[])[], m: number, from: number, to: number): number[][] {
  return rows.map((r, i) => r.map((x, k) => (k === m && i >= from && i < to ? Number.NaN : x)));
}

describe("one detector: the evaluation commands and the deployment decide alike", () => {
  it("cad labelled and cad backtest (the detect handler, every 5 minutes) give the same grades and alerts on the same data", async () => {
    const e = entity();
    const labelled = detectEntity(e, "streaming", 7);
    // The deployment's way: train a model on the training rows, then replay the test rows through the detect handler.
    const fs = labelledFeatureSet(3);
    const { model } = trainModel(samples(e, e.train, 0), { featureSet: fs, seed: 7 });
    const result = await runBacktest({ samples: samples(e, e.test, e.train.length), model });
    const byStep = new Map(result.detections.map((d) => [d.timestamp, d]));
    const backtest = e.test.map((_, i) => byStep.get(LABELLED_T0 + (e.train.length + i) * MIN));
    expect(backtest.every((d) => d !== undefined)).toBe(true);
    expect(backtest.map((d) => d?.grade)).toEqual(labelled.anomalyGrades);
    expect(backtest.map((d) => (d?.alert ? d.grade : 0))).toEqual(labelled.grades);
    // And the shift is found, by both.
    expect(labelled.grades.slice(120, 130).some((g) => g > 0)).toBe(true);
  });

  it("with missing values: cad labelled fills and skips them as the collector's alignment and the detect handler do", async () => {
    const e = entity();
    // Raw data with holes: in training, 2 steps of metric 0 (filled) and 8 of metric 2 (a gap); in the test part, 3
    // steps of metric 1 (filled) and all metrics for 6 steps (a gap), then the shift.
    const rawTrain = withMissing(withMissing(e.train, 0, 100, 102), 2, 300, 308);
    const rawTest = [0, 1, 2].reduce((rows, m) => withMissing(rows, m, 60, 66), withMissing(e.test, 1, 30, 33));
    // What `cad labelled` reads from such files (loadLabelled's filling), then detects.
    const fill = (rows: number[][]) => fillRowGaps(rows, labelledFeatureSet(3).maxFillSteps).rows;
    const labelled = detectEntity({ ...e, train: fill(rawTrain), test: fill(rawTest) }, "streaming", 7);
    const fs = labelledFeatureSet(3);
    const { model } = trainModel(samples(e, rawTrain, 0), { featureSet: fs, seed: 7 });
    const result = await runBacktest({ samples: samples(e, rawTest, e.train.length), model });
    const byStep = new Map(result.detections.map((d) => [d.timestamp, d]));
    const backtest = e.test.map((_, i) => byStep.get(LABELLED_T0 + (e.train.length + i) * MIN));
    // The handler reports no detection at a gap step; cad labelled reports score 0, no grade, no alert there.
    const gap = (i: number) => i >= 60 && i < 66;
    expect(backtest.map((d) => d === undefined)).toEqual(e.test.map((_, i) => gap(i)));
    expect(labelled.scores.filter((_, i) => gap(i))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(backtest.map((d, i) => (gap(i) ? 0 : d?.grade))).toEqual(labelled.anomalyGrades);
    expect(backtest.map((d, i) => (gap(i) ? 0 : d?.alert ? d.grade : 0))).toEqual(labelled.grades);
    expect(labelled.grades.slice(120, 130).some((g) => g > 0)).toBe(true);
  });

  it("with missing values in batch mode: gap rows are left out of the static model and reported as score 0", () => {
    const e = entity();
    const fill = (rows: number[][]) => fillRowGaps(rows, 3).rows;
    const test = fill([0, 1, 2].reduce((rows, m) => withMissing(rows, m, 60, 66), e.test.map((r) => [...r])));
    const d = detectEntity({ ...e, test }, "batch", 7);
    expect(d.scores.slice(60, 66)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(d.scores.every(Number.isFinite)).toBe(true);
    expect(d.grades.slice(120, 130).some((g) => g > 0)).toBe(true);
  });
});
