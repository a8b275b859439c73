import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDatasetFeatures } from "../../runtime/features/datasetFeatures";
import { buildDataset } from "../../training/buildDataset";
import { trainFromDatasetStore } from "../../training/trainFromDataset";
import { MIN, putRealisticWindows, SMALL_FEATURE_SET, T0 } from "../helpers/featureWindows";
import { startLocalS3, type LocalS3 } from "../helpers/localS3";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3("cad-training-test");
});
afterAll(async () => {
  await s3.close();
});

describe("buildDataset against s3rver (the real S3 API over HTTP)", () => {
  it("reads the collector's windows under a prefix and writes training/<version>/ into the same bucket, same version as anywhere else", async () => {
    const prefix = "env/dev/";
    await putRealisticWindows(s3.store, prefix);
    const range = { from: T0, to: T0 + 20 * MIN };
    const r = await buildDataset({ input: s3.store, inputPrefix: prefix, output: s3.store, outputPrefix: prefix, featureSet: SMALL_FEATURE_SET, range, rowsPerPart: 20 });
    const base = `${prefix}training/${r.version}/`;
    expect(await s3.store.list(base)).toEqual([`${base}features.json`, `${base}manifest.json`, `${base}train/part-0000.csv`, `${base}train/part-0001.csv`, `${base}train/part-0002.csv`]);
    const part = (await s3.store.get(`${base}train/part-0000.csv`)) ?? "";
    expect(part.split("\n")[0]).toMatch(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/);

    // The content, not the location, decides the version: the same windows in memory give the same id.
    const memory = new MemoryObjectStore();
    await putRealisticWindows(memory);
    const m = await buildDataset({ input: memory, inputPrefix: "", output: new MemoryObjectStore(), outputPrefix: "", featureSet: SMALL_FEATURE_SET, range, rowsPerPart: 20 });
    expect(m.version).toBe(r.version);

    // What the detect Lambda does at cold start, and what a local training run reads.
    const features = await loadDatasetFeatures(s3.store, prefix, r.version, SMALL_FEATURE_SET);
    expect(features.normalisation).toEqual(r.features.normalisation);
    const trained = await trainFromDatasetStore(s3.store, prefix, r.version, { seed: 1, trainedAt: "2026-01-06T00:00:00.000Z" });
    expect(trained.vectors).toBe(43);
  });
});
