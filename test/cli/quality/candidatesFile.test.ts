import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { candidateProfile, readCandidates, SHIPPED } from "../../../cli/quality/candidatesFile";
import { OVERRIDE_NAMES } from "../../../cli/quality/overrideNames";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { resolveOptions } from "../../../runtime/model/resolveOptions";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cad-candidates-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const f = path.join(dir, "candidates.json");
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

describe("candidates file", () => {
  it("puts shipped first (once, even when the file lists it) and keeps each candidate's overrides", () => {
    const c = readCandidates(file([{ name: "z4", overrides: { zFactor: 4, seasonal: false, transform: "none" } }, { name: "shipped" }, { name: "plain" }]));
    expect(c).toEqual([SHIPPED, { name: "z4", overrides: { zFactor: 4, seasonal: false, transform: "none" } }, { name: "plain", overrides: {} }]);
  });

  it("applies the overrides on top of the shipped settings, the one profile every set runs", () => {
    expect(candidateProfile({ name: "z4", overrides: { zFactor: 4 } })).toEqual({ ...CONTAINER_DETECTOR, zFactor: 4 });
    expect(candidateProfile(SHIPPED)).toEqual(CONTAINER_DETECTOR);
  });

  it("lets a candidate change every detector option but the seed and the per-deployment ones", () => {
    const options = Object.keys(resolveOptions({ inputs: 1 })).filter((k) => !["inputs", "scorer", "seed"].includes(k));
    expect([...OVERRIDE_NAMES].sort()).toEqual(options.sort());
    expect(() => readCandidates(file([{ name: "s", overrides: { seed: 3 } }]))).toThrow('candidate "s" ([0]): overrides.seed: no such field (unknown key), got 3');
  });

  it("names the candidate and the option a value is refused for, on either profile", () => {
    expect(() => readCandidates(file([{ name: "blink", overrides: { statisticsMemory: 0.5 } }]))).toThrow('candidate "blink" ([0]): overrides: statisticsMemory must be 0 (the sample\'s memory) or a finite number >= 1, got 0.5 (on top of CONTAINER_DETECTOR)');
    expect(() => readCandidates(file([{ name: "wide", overrides: { confirmWindow: 40 } }]))).toThrow('candidate "wide" ([0]): overrides: confirmWindow must be at most 32, got 40 (on top of CONTAINER_DETECTOR)');
    // CONTAINER_DETECTOR confirms 3 of 4 steps: a window of 2 is refused there only.
    expect(() => readCandidates(file([{ name: "short", overrides: { confirmWindow: 2 } }]))).toThrow('candidate "short" ([0]): overrides: confirmSteps (3) must not exceed confirmWindow (2) (on top of CONTAINER_DETECTOR)');
    expect(() => readCandidates(file([{ name: "a/b" }]))).toThrow("[0].name: expected a name of letters, digits, '.', '_' or '-' (up to 64; it names an output folder), got \"a/b\"");
  });
});
