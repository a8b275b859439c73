import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cliError";
import { checkManifest, MANIFEST_FILE, writeManifest } from "../../../cli/quality/runManifest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-manifest-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("run manifest", () => {
  it("accepts the same settings in any key order, and names every setting that differs", () => {
    const out = path.join(root, "a");
    writeManifest(out, "nab-dev", 2, { ...CONTAINER_DETECTOR, zFactor: 4 });
    const reordered = Object.fromEntries(Object.entries({ ...CONTAINER_DETECTOR, zFactor: 4 }).reverse());
    expect(() => checkManifest(out, "nab-dev", 2, reordered)).not.toThrow();
    expect(() => checkManifest(out, "nab-dev", 2, { ...CONTAINER_DETECTOR, zFactor: 4, seasonal: false, repeatWindow: undefined })).toThrow(
      `${path.join(out, MANIFEST_FILE)}: the results were written with other detector settings (repeatWindow 50 there, unset now; seasonal true there, false now): run without --rescore`,
    );
    expect(() => checkManifest(out, "kpi-dev", 2, reordered)).toThrow("a run of nab-dev at seed 2, not of kpi-dev at seed 2");
    expect(() => checkManifest(out, "nab-dev", 3, reordered)).toThrow("a run of nab-dev at seed 2, not of nab-dev at seed 3");
  });

  it("refuses a manifest that is not one, naming the file and field", () => {
    const out = path.join(root, "b");
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, MANIFEST_FILE);
    fs.writeFileSync(file, "{");
    expect(() => checkManifest(out, "nab-dev", 1, CONTAINER_DETECTOR)).toThrow(CliError);
    expect(() => checkManifest(out, "nab-dev", 1, CONTAINER_DETECTOR)).toThrow("not valid JSON");
    fs.writeFileSync(file, JSON.stringify({ set: "nab-dev", seed: 1.5, profile: {} }));
    expect(() => checkManifest(out, "nab-dev", 1, CONTAINER_DETECTOR)).toThrow(/seed/);
  });
});
