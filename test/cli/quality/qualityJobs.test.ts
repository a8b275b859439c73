import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { CliError } from "../../../cli/cliError";
import { runQualityJobs, type QualityJob } from "../../../cli/quality/qualityJobs";
import { locateSets } from "../../../cli/quality/qualitySets";
import { writeNabSet } from "../../helpers/evaluationSets";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-quality-jobs-"));
  writeNabSet(path.join(root, "nab-dev"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const jobsOf = (seeds: number[]): QualityJob[] => {
  const [set] = locateSets(root, ["nab-dev"]);
  return seeds.map((seed) => ({ set, seed, profile: CONTAINER_DETECTOR, out: path.join(root, "out", `seed-${seed}`), label: `shipped · nab-dev · seed ${seed}` }));
};

describe("runQualityJobs", () => {
  it("returns the runs in the jobs' order whichever worker finished first, with the figures of a run in this process", async () => {
    const lines: string[] = [];
    const inWorkers = await runQualityJobs(jobsOf([1, 2, 3]), 2, (l) => lines.push(l));
    const here = await runQualityJobs(jobsOf([1, 2, 3]), 1, () => undefined);
    expect(inWorkers.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(inWorkers.map(({ seconds: _s, ...rest }) => rest)).toEqual(here.map(({ seconds: _s, ...rest }) => rest));
    expect(lines.filter((l) => l.endsWith(" …"))).toHaveLength(3);
    expect(lines.filter((l) => / in \d+\.\d s$/.test(l))).toHaveLength(3);
  });

  it("fails naming the run when a worker thread stops before its run ends, instead of waiting for it", async () => {
    const exiting = path.join(__dirname, "../../helpers/exitingQualityWorker.ts");
    const failure = runQualityJobs(jobsOf([1, 2]), 2, () => undefined, exiting);
    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(/^shipped · nab-dev · seed [12]: the worker thread stopped \(exit code 3\) before the run ended$/);
  });
});
