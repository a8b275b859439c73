import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDatasetsDir, QUALITY_SET_NAMES } from "../../../cli/quality/qualitySets";

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
