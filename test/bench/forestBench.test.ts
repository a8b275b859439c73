import { describe, expect, it } from "vitest";
import { runBenchCase } from "../../bench/forestBench";

describe("runBenchCase", () => {
  it("measures score+update, score, update, detector and the batch baseline, with the JSON fields the issue names", () => {
    const progress: number[] = [];
    const r = runBenchCase({ name: "tiny", trees: 5, sampleSize: 32, dims: 2, shingle: 8, points: 300, warmup: 100, seed: 1 }, (f) => progress.push(f));
    expect(r).toMatchObject({ name: "tiny", trees: 5, sampleSize: 32, dims: 2, shingle: 8, points: 300, javaScoreUpdatePerSec: 4686, javaScorePerSec: 9547, javaUpdatePerSec: 9526 });
    for (const k of ["scoreUpdatePerSec", "scorePerSec", "updatePerSec", "detectorPerSec", "baselineBatchScorePerSec"] as const) expect(r[k]).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toBe(1);
  });
});
