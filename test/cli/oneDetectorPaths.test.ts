import { describe, expect, it } from "vitest";
import { detectEntity, labelledFeatureSet, LABELLED_T0, type LabelledEntity } from "../../cli/labelled/detectEntity";
import { runBacktest } from "../../cli/replay/runBacktest";
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

function samples(e: LabelledEntity, rows: readonly (readonly number[])[], offset: number): MetricSample[] {
  const fs = labelledFeatureSet(rows[0].length);
  return rows.flatMap((values, i) => fs.metrics.map((m, k) => ({ service: e.name, container: "series", metric: m.name, timestamp: LABELLED_T0 + (offset + i) * MIN, value: values[k] })));
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
});
