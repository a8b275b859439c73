import { describe, expect, it } from "vitest";
import { loadDatasetFeatures, parseDatasetFeatures, type DatasetFeatures } from "../../runtime/features/datasetFeatures";
import { SMALL_FEATURE_SET } from "../helpers/featureWindows";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";

const GOOD: DatasetFeatures = {
  format: "cad-features/1",
  version: "ds-0123456789abcdef",
  featureSet: SMALL_FEATURE_SET,
  featureDim: 4,
  normalisation: { mean: [1, 10], std: [1, 0.1] },
  sourceQueries: { dynatrace: "builtin:containers.cpu.usagePercent" },
};
const FILE = "training/ds-0123456789abcdef/features.json";
const withField = (field: string, value: unknown) => JSON.stringify({ ...GOOD, [field]: value });

describe("parseDatasetFeatures", () => {
  it("accepts what the builder writes", () => {
    expect(parseDatasetFeatures(JSON.stringify(GOOD), FILE)).toEqual(GOOD);
  });

  it("refuses a features.json of an older builder, naming the file", () => {
    expect(() => parseDatasetFeatures(withField("format", "cad-features/0"), FILE)).toThrow(
      `${FILE}: "format" is "cad-features/0": written by an older dataset builder; rebuild the training set with \`cad dataset build\` (this version reads "cad-features/1")`,
    );
    const { format: _format, ...noFormat } = GOOD;
    expect(() => parseDatasetFeatures(JSON.stringify(noFormat), FILE)).toThrow(`${FILE}: "format" is undefined: written by an older dataset builder`);
    expect(() => parseDatasetFeatures(withField("format", "cad-model/1"), FILE)).toThrow(`${FILE}: "format" is "cad-model/1", expected "cad-features/1" (is this a features.json written by \`cad dataset build\`?)`);
  });

  it("names the field at fault", () => {
    expect(() => parseDatasetFeatures("{", FILE)).toThrow(`${FILE}: not valid JSON`);
    expect(() => parseDatasetFeatures(withField("featureDim", 3), FILE)).toThrow(`${FILE}: "featureDim" is 3, expected 4 (2 metrics × shingleSize 2)`);
    expect(() => parseDatasetFeatures(withField("normalisation", { mean: [1], std: [1, 1] }), FILE)).toThrow(`${FILE}: "normalisation.mean" must be 2 finite numbers (one per metric)`);
    expect(() => parseDatasetFeatures(withField("normalisation", { mean: [1, 1], std: [1, 0] }), FILE)).toThrow(`${FILE}: "normalisation.std" must be positive`);
    expect(() => parseDatasetFeatures(withField("featureSet", { ...SMALL_FEATURE_SET, stepSeconds: 0 }), FILE)).toThrow(`${FILE}: featureSet: stepSeconds: must be a positive integer, got 0`);
    expect(() => parseDatasetFeatures(withField("sourceQueries", { splunk: 1 }), FILE)).toThrow(`${FILE}: "sourceQueries" must be an object of source name → query text`);
    expect(() => parseDatasetFeatures(withField("version", ""), FILE)).toThrow(`${FILE}: "version" must be a non-empty string`);
  });
});

describe("loadDatasetFeatures", () => {
  it("loads the deployed version's file and refuses one filed under another version", async () => {
    const store = new MemoryObjectStore();
    await store.put(`cad/${FILE}`, JSON.stringify(GOOD), "application/json");
    expect(await loadDatasetFeatures(store, "cad/", GOOD.version, SMALL_FEATURE_SET)).toEqual(GOOD);
    await store.put("training/ds-ffffffffffffffff/features.json", JSON.stringify(GOOD), "application/json");
    await expect(loadDatasetFeatures(store, "", "ds-ffffffffffffffff")).rejects.toThrow('training/ds-ffffffffffffffff/features.json: "version" is "ds-0123456789abcdef", but it sits under version "ds-ffffffffffffffff"');
  });

  it("refuses an older-format file under the deployed version, naming its key", async () => {
    const store = new MemoryObjectStore();
    await store.put(FILE, withField("format", "cad-features/0"), "application/json");
    await expect(loadDatasetFeatures(store, "", GOOD.version, SMALL_FEATURE_SET)).rejects.toThrow(`${FILE}: "format" is "cad-features/0": written by an older dataset builder`);
  });
});
