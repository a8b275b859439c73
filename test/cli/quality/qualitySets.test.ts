import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALL_SET_NAMES, defaultDatasetsDir, locateSets, prepareYoungSets, QUALITY_SET_NAMES, YOUNG_SET_NAMES } from "../../../cli/quality/qualitySets";
import { writeLabelledSet, writeNabSet } from "../../helpers/evaluationSets";

describe("quality sets", () => {
  it("knows the four development sets, in table order", () => {
    expect(QUALITY_SET_NAMES).toEqual(["nab-dev", "kpi-dev", "jumpstarter-dev", "smd-dev"]);
  });

  it("finds the datasets in CAD_DATASETS, else in ../shared/datasets beside the repository", () => {
    expect(defaultDatasetsDir({ CAD_DATASETS: "/data/sets" }, "/work/clone")).toBe(path.resolve("/data/sets"));
    expect(defaultDatasetsDir({}, "/work/clone")).toBe(path.resolve("/work/shared/datasets"));
    expect(defaultDatasetsDir({ CAD_DATASETS: "" }, "/work/clone")).toBe(path.resolve("/work/shared/datasets"));
  });
});

describe("young sets", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-young-sets-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  writeNabSet(path.join(root, "datasets", "nab-dev"));
  writeLabelledSet(path.join(root, "datasets", "smd-dev"));
  const datasets = path.join(root, "datasets");
  const youngDir = path.join(root, "out", "young-sets");

  it("names one per development set, after the four", () => {
    expect(YOUNG_SET_NAMES).toEqual(["nab-dev-young", "kpi-dev-young", "jumpstarter-dev-young", "smd-dev-young"]);
    expect(ALL_SET_NAMES).toEqual([...QUALITY_SET_NAMES, ...YOUNG_SET_NAMES]);
  });

  it("locates a young NAB-layout set as pieces to cut from its set, and a young labelled set as cad labelled --young 720", () => {
    const [nab, smd] = locateSets(datasets, ["nab-dev-young", "smd-dev-young"], youngDir);
    expect(nab).toEqual({
      name: "nab-dev-young",
      kind: "nab",
      data: path.join(youngDir, "nab-dev-young", "data"),
      windows: path.join(youngDir, "nab-dev-young", "combined_windows.json"),
      cut: { data: path.join(datasets, "nab-dev"), windows: path.join(datasets, "nab-dev", "combined_windows.json"), pieces: { rows: 2000, before: 1500, every: 1 } },
    });
    expect(smd).toEqual({ name: "smd-dev-young", kind: "labelled", data: path.join(datasets, "smd-dev"), young: { rows: 720, every: 180 } });
    // kpi-dev's young set takes every fourth window.
    fs.mkdirSync(path.join(datasets, "kpi-dev", "data"), { recursive: true });
    fs.mkdirSync(path.join(datasets, "kpi-dev", "labels"), { recursive: true });
    fs.writeFileSync(path.join(datasets, "kpi-dev", "labels", "combined_windows.json"), "{}");
    const [kpi] = locateSets(datasets, ["kpi-dev-young"], youngDir);
    expect(kpi.kind === "nab" && kpi.cut?.pieces.every).toBe(4);
  });

  it("checks a young set's own set as the set itself is checked, and names the young sets when a name is unknown", () => {
    expect(() => locateSets(datasets, ["jumpstarter-dev-young"], youngDir)).toThrow(/has no jumpstarter-dev\/ \(jumpstarter-dev: a labelled set/);
    expect(() => locateSets(datasets, ["smd-dev-old"], youngDir)).toThrow(/unknown set "smd-dev-old".*their young sets nab-dev-young, kpi-dev-young, jumpstarter-dev-young, smd-dev-young/);
  });

  it("cuts the young NAB-layout sets' pieces where they were located, saying what each holds", () => {
    const sets = locateSets(datasets, ["nab-dev", "nab-dev-young", "smd-dev-young"], youngDir);
    const lines: string[] = [];
    prepareYoungSets(sets, (l) => lines.push(l));
    expect(lines).toEqual([`cad quality: nab-dev-young: 2 files cut into 2 pieces of up to 2,000 rows, each from 1,500 rows before each window (1 windows) → ${path.join(youngDir, "nab-dev-young")}`]);
    // Each 600-row file is shorter than a piece: one piece each, from its first row.
    expect(fs.readFileSync(path.join(youngDir, "nab-dev-young", "data", "cat", "spiky_p0.csv"), "utf8").trim().split("\n")).toHaveLength(601);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(youngDir, "nab-dev-young", "combined_windows.json"), "utf8")) as object)).toEqual(["cat/spiky_p0.csv", "cat/calm_p0.csv"]);
  });
});
