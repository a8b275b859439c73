import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFeatureSetOption as loadFeatureSetFile } from "../../cli/featureSetOption";
import { COLLECT_FEATURE_SET } from "../../cli/collectSources";
import type { CliError } from "../../cli/cliError";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";

const dir = mkdtempSync(join(tmpdir(), "cad-fs-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("--feature-set (cad collect, cad dataset build)", () => {
  it("knows the named sets", () => {
    expect(loadFeatureSetFile("default")).toBe(DEFAULT_FEATURE_SET);
    expect(loadFeatureSetFile("collect")).toBe(COLLECT_FEATURE_SET);
  });

  it("reads a bare feature set", () => {
    expect(loadFeatureSetFile(file("fs.json", JSON.stringify(DEFAULT_FEATURE_SET)))).toEqual(DEFAULT_FEATURE_SET);
  });

  it("reads the feature set of a model file", () => {
    const model = { format: "cad-model/1", featureSet: DEFAULT_FEATURE_SET, normalisation: { mean: [], std: [] } };
    expect(loadFeatureSetFile(file("model.json", JSON.stringify(model))).metrics.map((m) => m.name)).toEqual(DEFAULT_FEATURE_SET.metrics.map((m) => m.name));
  });

  it("names the file and the field when the feature set is wrong, as a usage error", () => {
    const bad = file("bad.json", JSON.stringify({ ...DEFAULT_FEATURE_SET, stepSeconds: 0 }));
    expect(() => loadFeatureSetFile(bad)).toThrow(/bad\.json: stepSeconds: must be a positive integer/);
    try {
      loadFeatureSetFile(bad);
    } catch (e) {
      expect((e as CliError).exitCode).toBe(2);
    }
  });

  it("reports unreadable and non-JSON files", () => {
    expect(() => loadFeatureSetFile(join(dir, "missing.json"))).toThrow(/cannot read .*missing\.json/);
    expect(() => loadFeatureSetFile(file("x.json", "{not json"))).toThrow(/x\.json is not valid JSON/);
  });
});
