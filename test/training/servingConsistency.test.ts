import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { loadDatasetFeatures } from "../../runtime/features/datasetFeatures";
import { sageMakerModel } from "../../runtime/handlers/detectionModel";
import { makeDetectHandler } from "../../runtime/handlers/makeDetectHandler";
import { fitThreshold } from "../../runtime/model/scoreThreshold";
import type { MetricSource, Scorer } from "../../runtime/ports";
import type { MetricSample } from "../../runtime/types";
import { buildDataset } from "../../training/buildDataset";
import { parseCsvPart } from "../../training/sageMakerCsv";
import { cpuAt, memAt, MIN, putWindow, row, SMALL_FEATURE_SET, T0 } from "../helpers/featureWindows";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("serving consistency: the dataset builder and the detect handler make the same vector from the same row", () => {
  it("every vector the detect handler sends the scorer equals, bit for bit, the train record of the same step", async () => {
    // One hour of one container, collected as six 10-minute windows.
    const windows = new MemoryObjectStore();
    const rows = Array.from({ length: 60 }, (_, s) => row("svc", "c", s, [cpuAt("c", s), memAt("c", s)]));
    for (let w = 0; w < 6; w++) await putWindow(windows, "", "svc", w * 10, rows.slice(w * 10, w * 10 + 10));
    const sets = new MemoryObjectStore();
    const built = await buildDataset({ input: windows, inputPrefix: "", output: sets, outputPrefix: "", featureSet: SMALL_FEATURE_SET });
    const train = parseCsvPart(sets.text(`training/${built.version}/train/part-0000.csv`), 4, false, "train").vectors;
    expect(train).toHaveLength(59); // record i is the shingle ending at step i + 1

    // The detect Lambda: features.json of the deployed version, checked against its configured feature set.
    const features = await loadDatasetFeatures(sets, "", built.version, SMALL_FEATURE_SET);
    const source: MetricSource = {
      name: "same-rows",
      async fetch(service, range) {
        const samples: MetricSample[] = [];
        for (const r of rows) {
          if (r.timestamp < range.from || r.timestamp >= range.to) continue;
          SMALL_FEATURE_SET.metrics.forEach((m, i) => samples.push({ service, container: r.container, metric: m.name, timestamp: r.timestamp, value: r.values[i] }));
        }
        return samples;
      },
    };
    const scored: number[][] = [];
    const scorer: Scorer = {
      async score(vectors) {
        scored.push(...vectors.map((v) => [...v]));
        return vectors.map(() => ({ score: 0.5 }));
      },
    };
    const detect = makeDetectHandler({
      services: [{ name: "svc", scaling: { minTasks: 1, maxTasks: 2, maxStep: 1, cooldownMs: 600_000 } }],
      source,
      scorer,
      model: sageMakerModel(features, { endpoint: "cad-rcf", calibratedAt: "2026-01-05T00:00:00Z", scoreStats: fitThreshold([0.4, 0.5, 0.6]), expectedAnomalyRate: 0.01 }),
      featureSet: SMALL_FEATURE_SET,
      alerts: { send: async () => undefined },
      scaler: { describe: async () => ({ desiredTasks: 1, runningTasks: 1, deploying: false }), apply: async () => undefined },
      state: new MemoryStateStore(),
      clock: { now: () => T0 + 61 * MIN },
      log: quiet,
      settings: { firstRunSteps: 20, ingestDelaySteps: 1 },
    });
    const summary = await detect();
    expect(summary.services[0].rowsScored).toBe(20); // steps 40–59
    expect(scored).toHaveLength(20);
    scored.forEach((v, i) => {
      const step = 40 + i;
      expect(v).toEqual(train[step - 1]);
      v.forEach((x, d) => expect(Object.is(x, train[step - 1][d])).toBe(true));
    });
  });

  it("the loader refuses a serving feature set that differs from the deployed version's, naming the file and the difference", async () => {
    const windows = new MemoryObjectStore();
    await putWindow(windows, "", "svc", 0, Array.from({ length: 5 }, (_, s) => row("svc", "c", s, [cpuAt("c", s), memAt("c", s)])));
    const sets = new MemoryObjectStore();
    const { version } = await buildDataset({ input: windows, inputPrefix: "", output: sets, outputPrefix: "", featureSet: SMALL_FEATURE_SET });
    const serving = { ...SMALL_FEATURE_SET, shingleSize: 4, metrics: [...SMALL_FEATURE_SET.metrics].reverse() };
    await expect(loadDatasetFeatures(sets, "", version, serving)).rejects.toThrow(
      `training/${version}/features.json: training set ${version} was built with a different feature set than the one configured for serving; deploy a model trained with this feature set or fix the configuration:\n` +
        "  metrics: model has [cpu, mem], serving has [mem, cpu]\n  shingleSize: model 2, serving 4",
    );
    await expect(loadDatasetFeatures(sets, "", "ds-0000000000000000", SMALL_FEATURE_SET)).rejects.toThrow(
      'training/ds-0000000000000000/features.json: not found; is the deployed trainingDataVersion "ds-0000000000000000" built (`cad dataset build`) and is the prefix right?',
    );
  });
});
