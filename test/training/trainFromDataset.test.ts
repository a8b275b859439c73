import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { EcsServiceSimulator } from "../../runtime/sim/EcsServiceSimulator";
import { buildDataset } from "../../training/buildDataset";
import { collectSimulatedWindows } from "../../training/collectSimulatedWindows";
import { trainFromDataset } from "../../training/trainFromDataset";
import { trainModel } from "../../training/trainModel";

const START = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
let dir: string;
let versionDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-train-"));
  const windows = new DirectoryObjectStore(join(dir, "windows"));
  await collectSimulatedWindows({ service: "checkout", tasks: 3, seed: 5, startMs: START, days: 1, incidents: [], featureSet: DEFAULT_FEATURE_SET, objects: windows });
  const { version } = await buildDataset({ input: windows, inputPrefix: "", output: new DirectoryObjectStore(join(dir, "out")), outputPrefix: "", featureSet: DEFAULT_FEATURE_SET });
  versionDir = join(dir, "out", "training", version);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trainFromDataset: local training on a built set is the same flow", () => {
  it("trains the same forest and threshold as training on the raw samples the windows were collected from", async () => {
    const local = await trainFromDataset(versionDir, { seed: 9, hyperparameters: { num_trees: 50, num_samples_per_tree: 128 }, trainedAt: "2026-01-06T00:00:00.000Z" });
    const sim = new EcsServiceSimulator({ service: "checkout", tasks: 3, seed: 5, startMs: START, incidents: [] });
    sim.advanceTo(START + DAY);
    const direct = trainModel(await sim.fetch("checkout", { from: START, to: START + DAY }), { featureSet: DEFAULT_FEATURE_SET, seed: 9, numTrees: 50, sampleSize: 128, trainedAt: "2026-01-06T00:00:00.000Z" });
    expect(local.vectors).toBe(3 * 2 * 1440); // 3 tasks of an app and a sidecar
    expect(local.vectors).toBe(direct.vectors);
    expect(local.model.normalisation).toEqual(direct.model.normalisation);
    expect(local.model.scoreStats).toEqual(direct.model.scoreStats);
    // The same static model; training on rows also trains the streaming detector, which a set of vectors cannot.
    const { detector, checksum: _c1, ...directStatic } = direct.model;
    const { checksum: _c2, ...localStatic } = local.model;
    expect(localStatic).toEqual(directStatic);
    expect(detector?.containerNames).toEqual(["app", "envoy"]);
    expect(local.model.detector).toBeUndefined();
    expect(local.hyperparameters).toEqual({ feature_dim: 7, num_trees: 50, num_samples_per_tree: 128 });
    expect(local.test).toBeUndefined();
    expect(local.expectedAnomalyRate).toBe(local.trainingScores.filter((s) => s > local.model.scoreStats.threshold).length / local.vectors);
    expect(local.expectedAnomalyRate).toBeGreaterThan(0);
    expect(local.expectedAnomalyRate).toBeLessThan(0.05);
  });

  it("refuses hyperparameters SageMaker would refuse, before training", async () => {
    await expect(trainFromDataset(versionDir, { hyperparameters: { num_trees: 10 } })).rejects.toThrow("num_trees is 10; SageMaker accepts an integer from 50 to 1000");
  });

  it("refuses a part altered after the build, a features.json of an older format and a missing manifest, naming the file", async () => {
    const copy = join(dir, "copy", "training", "ds-copy");
    const store = new DirectoryObjectStore(join(dir, "copy"));
    const src = new DirectoryObjectStore(versionDir);
    for (const key of await src.list("")) await store.put(`training/ds-copy/${key}`, (await src.get(key)) ?? "", "");
    const manifestPath = join(copy, "manifest.json");
    writeFileSync(manifestPath, readFileSync(manifestPath, "utf-8").replace(/"version": "ds-[0-9a-f]+"/, '"version": "ds-copy"'));
    const featuresPath = join(copy, "features.json");
    writeFileSync(featuresPath, readFileSync(featuresPath, "utf-8").replace(/"version": "ds-[0-9a-f]+"/, '"version": "ds-copy"'));
    const partPath = join(copy, "train", "part-0000.csv");
    const part = readFileSync(partPath, "utf-8");

    writeFileSync(partPath, part.replace(/^-?\d/, "7"));
    await expect(trainFromDataset(copy)).rejects.toThrow("training/ds-copy/train/part-0000.csv: content does not match the manifest's sha256 (altered after the build?)");
    writeFileSync(partPath, part);

    const features = readFileSync(featuresPath, "utf-8");
    writeFileSync(featuresPath, features.replace('"cad-features/1"', '"cad-features/0"'));
    await expect(trainFromDataset(copy)).rejects.toThrow('training/ds-copy/features.json: "format" is "cad-features/0": written by an older dataset builder');
    writeFileSync(featuresPath, features);

    rmSync(manifestPath);
    await expect(trainFromDataset(copy)).rejects.toThrow("training/ds-copy/manifest.json: not found; the set is incomplete or the version is wrong");
    await expect(trainFromDataset(join(dir, "windows"))).rejects.toThrow("expected a training set version directory, <out>/training/<version>");
  });
});
