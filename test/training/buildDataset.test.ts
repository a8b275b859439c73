import { describe, expect, it } from "vitest";
import { FeatureCsvError } from "../../runtime/features/featureRowCsv";
import { parseDatasetFeatures } from "../../runtime/features/datasetFeatures";
import { buildDataset, DatasetBuildError, type BuildDatasetOptions } from "../../training/buildDataset";
import { FeatureWindowError } from "../../training/readFeatureWindows";
import { parseCsvPart } from "../../training/sageMakerCsv";
import { MIN, putRealisticWindows, putWindow, row, SMALL_FEATURE_SET, T0 } from "../helpers/featureWindows";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";

const RANGE = { from: T0, to: T0 + 20 * MIN };

function options(input: MemoryObjectStore, output: MemoryObjectStore, extra: Partial<BuildDatasetOptions> = {}): BuildDatasetOptions {
  return { input, inputPrefix: "", output, outputPrefix: "", featureSet: SMALL_FEATURE_SET, range: RANGE, ...extra };
}

describe("buildDataset on hand-computable windows", () => {
  // cpu 0,2,0,2 → mean 1, std 1 → z -1,1,-1,1; mem constant 10 → std floored at 1 % of the mean (0.1) → z 0.
  const rows = [row("svc", "c", 0, [0, 10]), row("svc", "c", 1, [2, 10]), row("svc", "c", 2, [0, 10]), row("svc", "c", 3, [2, 10])];

  it("writes exactly the shingled z-scores, no header, and features.json with the fitted normalisation", async () => {
    const input = new MemoryObjectStore();
    await putWindow(input, "", "svc", 0, rows);
    const output = new MemoryObjectStore();
    const r = await buildDataset(options(input, output, { range: { from: T0, to: T0 + 4 * MIN } }));
    const base = `training/${r.version}/`;
    expect([...output.objects.keys()]).toEqual([`${base}train/part-0000.csv`, `${base}features.json`, `${base}manifest.json`]);
    expect(output.text(`${base}train/part-0000.csv`)).toBe("-1,0,1,0\n1,0,-1,0\n-1,0,1,0\n");
    expect(output.objects.get(`${base}train/part-0000.csv`)?.contentType).toBe("text/csv");
    const features = parseDatasetFeatures(output.text(`${base}features.json`), "features.json");
    expect(features).toEqual({ format: "cad-features/1", version: r.version, featureSet: SMALL_FEATURE_SET, featureDim: 4, normalisation: { mean: [1, 10], std: [1, 0.1] }, sourceQueries: {} });
  });

  it("labels vectors inside incident windows 1 in a test channel (label first) and keeps them out of train", async () => {
    const input = new MemoryObjectStore();
    await putWindow(input, "", "svc", 0, rows);
    const output = new MemoryObjectStore();
    const r = await buildDataset(options(input, output, { range: { from: T0, to: T0 + 4 * MIN }, incidents: [{ service: "svc", from: T0 + 2 * MIN, to: T0 + 3 * MIN }] }));
    const base = `training/${r.version}/`;
    expect(output.text(`${base}train/part-0000.csv`)).toBe("-1,0,1,0\n-1,0,1,0\n");
    expect(output.text(`${base}test/part-0000.csv`)).toBe("0,-1,0,1,0\n1,1,0,-1,0\n0,-1,0,1,0\n");
    expect(output.objects.get(`${base}test/part-0000.csv`)?.contentType).toBe("text/csv;label_size=1");
    expect(r.manifest.channels.test).toMatchObject({ contentType: "text/csv;label_size=1", rows: 3 });
    expect(r.manifest.services.svc).toMatchObject({ trainRows: 2, testRows: 3, anomalousTestRows: 1 });
  });
});

describe("buildDataset on realistic windows (two services, gaps, late and duplicate rows, a service without data)", () => {
  async function build(extra: Partial<BuildDatasetOptions> = {}) {
    const input = new MemoryObjectStore();
    const keys = await putRealisticWindows(input);
    const output = new MemoryObjectStore();
    const result = await buildDataset(options(input, output, { services: ["checkout", "idle", "search"], rowsPerPart: 20, sourceQueries: { splunk: "| mstats avg(cpu) WHERE index=otel_metrics" }, ...extra }));
    return { input, keys, output, result };
  }

  it("writes train parts of rowsPerPart records, all plain decimals SageMaker parses, and a manifest that accounts for every row", async () => {
    const { keys, output, result } = await build();
    const base = `training/${result.version}/`;
    expect([...output.objects.keys()]).toEqual([`${base}train/part-0000.csv`, `${base}train/part-0001.csv`, `${base}train/part-0002.csv`, `${base}features.json`, `${base}manifest.json`]);
    const lines = [0, 1, 2].flatMap((i) => output.text(`${base}train/part-000${i}.csv`).trimEnd().split("\n"));
    // c1: 4 + 13 gap-free rows → 3 + 12 shingles; c2: 20 rows → 19; s1: 10 rows → 9.
    expect(lines).toHaveLength(43);
    for (const line of lines) expect(line).toMatch(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/);
    expect(output.text(`${base}train/part-0002.csv`).split("\n")).toHaveLength(4); // 3 records + the final newline

    const m = result.manifest;
    expect(m.range).toEqual({ from: "2026-01-05T00:00:00.000Z", to: "2026-01-05T00:20:00.000Z" });
    expect(m.services).toEqual({
      checkout: { windows: 2, containers: 2, rows: 40, gapRows: 3, filledValues: 1, duplicateRows: 1, lateRows: 1, outOfRangeRows: 0, trainRows: 34, testRows: 0, anomalousTestRows: 0 },
      search: { windows: 2, containers: 1, rows: 10, gapRows: 0, filledValues: 0, duplicateRows: 0, lateRows: 0, outOfRangeRows: 10, trainRows: 9, testRows: 0, anomalousTestRows: 0 },
    });
    expect(keys[2]).toContain("date=2026-01-04/"); // the previous day's partition was read (and its rows found out of range)
    expect(m.servicesWithoutData).toEqual(["idle"]);
    expect(m.gapsSkipped).toEqual({ rows: 3, spans: [{ service: "checkout", container: "c1", from: "2026-01-05T00:04:00.000Z", to: "2026-01-05T00:07:00.000Z", steps: 3 }], spansNotListed: 0 });
    expect(m.channels.train.rows).toBe(43);
    expect(m.channels.train.parts.map((p) => [p.key, p.rows])).toEqual([["train/part-0000.csv", 20], ["train/part-0001.csv", 20], ["train/part-0002.csv", 3]]);
    expect(m.channels.test).toBeUndefined();
    expect(m.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.version).toBe(`ds-${m.contentHash.slice(0, 16)}`);
    expect(JSON.parse(output.text(`${base}manifest.json`))).toEqual(m);
    expect(result.features.sourceQueries).toEqual({ splunk: "| mstats avg(cpu) WHERE index=otel_metrics" });
  });

  it("keeps the first of duplicate rows and fills a short gap across the window boundary", async () => {
    const { output, result } = await build({ services: ["checkout"] });
    const base = `training/${result.version}/`;
    const { vectors } = parseCsvPart([0, 1].map((i) => output.text(`${base}train/part-000${i}.csv`)).join(""), 4, false, "train");
    const { mean, std } = result.features.normalisation;
    const z = (v: number, m: number) => (v - mean[m]) / std[m];
    // c1's first vector is steps 1–2; step 2 must be window A's values, not window B's duplicate (99, 999).
    expect(vectors[1]).toEqual([z(11.5, 0), z(200.25, 1), z(13, 0), z(200.5, 1)]);
    // c2's step 9 memory was empty: filled from step 8 (202 + 30). c2's vectors start after c1's 15.
    expect(vectors[15 + 8]).toEqual([z(15.5, 0), z(232, 1), z(17, 0), z(232, 1)]);
  });

  it("gives the same version and identical objects for the same windows, and another version when one cell changes", async () => {
    const a = await build();
    const b = await build();
    expect(b.result.version).toBe(a.result.version);
    expect([...b.output.objects.entries()]).toEqual([...a.output.objects.entries()]);

    const input = new MemoryObjectStore();
    await putRealisticWindows(input);
    const key = (await input.list("metrics/service=search/date=2026-01-05/"))[0];
    await input.put(key, input.text(key).replace(/,200\.5$/m, ",200.75"), "text/csv");
    const c = await buildDataset(options(input, new MemoryObjectStore(), { services: ["checkout", "idle", "search"], rowsPerPart: 20, sourceQueries: { splunk: "| mstats avg(cpu) WHERE index=otel_metrics" } }));
    expect(c.version).not.toBe(a.result.version);
  });

  it("takes every service found and the span of the data when neither is given", async () => {
    const input = new MemoryObjectStore();
    await putRealisticWindows(input);
    const r = await buildDataset({ input, inputPrefix: "", output: new MemoryObjectStore(), outputPrefix: "out/", featureSet: SMALL_FEATURE_SET });
    expect(Object.keys(r.manifest.services)).toEqual(["checkout", "search"]);
    expect(r.manifest.range).toEqual({ from: "2026-01-04T23:50:00.000Z", to: "2026-01-05T00:20:00.000Z" });
    expect(r.keys.at(-1)).toBe(`out/training/${r.version}/manifest.json`);
  });
});

describe("buildDataset refuses bad input with errors naming the object", () => {
  it("windows with different metric sets", async () => {
    const input = new MemoryObjectStore();
    const a = await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1, 2])]);
    const wider = { ...SMALL_FEATURE_SET, metrics: [...SMALL_FEATURE_SET.metrics, { name: "disk", role: "other" as const }] };
    const b = await putWindow(input, "", "svc", 10, [row("svc", "c", 10, [1, 2, 3])], wider);
    const err = await buildDataset(options(input, new MemoryObjectStore())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeatureWindowError);
    expect((err as Error).message).toBe(`windows have different metric sets: ${a} has [cpu, mem], ${b} has [cpu, mem, disk]; build each metric set separately`);
  });

  it("windows whose metrics are not the feature set's", async () => {
    const input = new MemoryObjectStore();
    const other = { ...SMALL_FEATURE_SET, metrics: [{ name: "cpu", role: "cpu" as const }] };
    const key = await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1])], other);
    await expect(buildDataset(options(input, new MemoryObjectStore()))).rejects.toThrow(`${key}: the window's metrics [cpu] differ from the feature set's [cpu, mem]; build with the feature set the collector used`);
  });

  it("an empty date range", async () => {
    const input = new MemoryObjectStore();
    await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1, 2])]);
    const err = await buildDataset(options(input, new MemoryObjectStore(), { range: { from: T0, to: T0 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetBuildError);
    expect((err as Error).message).toBe("empty date range: from 2026-01-05T00:00:00.000Z is not before to 2026-01-05T00:00:00.000Z");
  });

  it("a range with no rows of the services asked for (the day before is read too: its last window may reach into the range)", async () => {
    const input = new MemoryObjectStore();
    await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1, 2])]);
    await expect(buildDataset(options(input, new MemoryObjectStore(), { range: { from: T0 + 86_400_000, to: T0 + 2 * 86_400_000 } }))).rejects.toThrow(
      'no feature rows for any service between 2026-01-06T00:00:00.000Z and 2026-01-07T00:00:00.000Z under metrics/ (1 window read)',
    );
  });

  it("a non-numeric cell, naming object, line and column", async () => {
    const input = new MemoryObjectStore();
    const key = await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1, 2]), row("svc", "c", 1, [3, 4])]);
    await input.put(key, input.text(key).replace(",3,4", ",three,4"), "text/csv");
    const err = await buildDataset(options(input, new MemoryObjectStore())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeatureCsvError);
    expect((err as Error).message).toBe(`${key}:3: column 4 ("cpu"): "three" is not a number (leave the cell empty for a missing value)`);
  });

  it("an empty window object", async () => {
    const input = new MemoryObjectStore();
    const key = await putWindow(input, "", "svc", 0, []);
    await input.put(key, "", "text/csv");
    await expect(buildDataset(options(input, new MemoryObjectStore()))).rejects.toThrow(`${key}: empty object; a window always starts with the header "timestamp,service,container,cpu,mem"`);
  });

  it("nothing written when the input is bad", async () => {
    const input = new MemoryObjectStore();
    const key = await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [1, 2])]);
    await input.put(key, input.text(key).replace(",1,2", ",1,x"), "text/csv");
    const output = new MemoryObjectStore();
    await expect(buildDataset(options(input, output))).rejects.toThrow(FeatureCsvError);
    expect(output.objects.size).toBe(0);
  });
});

describe("buildDataset with quoted metric names", () => {
  it("reads a header whose metric names need quoting (commas, quotes)", async () => {
    const fs = { ...SMALL_FEATURE_SET, metrics: [{ name: 'cpu,"user"', role: "cpu" as const }, { name: "mem", role: "memory" as const }] };
    const input = new MemoryObjectStore();
    const key = await putWindow(input, "", "svc", 0, [row("svc", "c", 0, [0, 10]), row("svc", "c", 1, [2, 10])], fs);
    expect(input.text(key).split("\n")[0]).toBe('timestamp,service,container,"cpu,""user""",mem');
    const r = await buildDataset({ input, inputPrefix: "", output: new MemoryObjectStore(), outputPrefix: "", featureSet: fs });
    expect(r.manifest.channels.train.rows).toBe(1);
  });
});
