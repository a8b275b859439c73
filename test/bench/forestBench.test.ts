import { describe, expect, it } from "vitest";
import { normalMixture } from "../../bench/benchData";
import { measureOurForest } from "../../bench/forestBench";
import { StreamingForest } from "../../runtime/model/streamingForest";

describe("measureOurForest", () => {
  it("times score+update, score and update on a fresh forest and reports its typed-array bytes", () => {
    const stream = normalMixture(2, 400 + 3, 1);
    const r = measureOurForest(stream, { inputs: 2, shingle: 4, trees: 5, sampleSize: 32, warmup: 100, seed: 1 });
    for (const k of ["scoreUpdatePerSec", "scorePerSec", "updatePerSec"] as const) expect(r[k]).toBeGreaterThan(0);
    // The same forest, fed the same shingled points, holds exactly these arrays.
    const f = new StreamingForest({ dimensions: 8, numTrees: 5, sampleSize: 32, seed: 1 });
    for (let k = 0; k + 4 <= stream.steps; k++) f.update(stream.values.subarray(2 * k, 2 * k + 8));
    for (let k = 0; k + 4 <= stream.steps; k++) f.update(stream.values.subarray(2 * k, 2 * k + 8));
    expect(r.bytes).toBe(f.memoryBytes());
    // vitest runs without --expose-gc: the process-level figure says it was not measured.
    expect(r.processBytes).toBeNull();
  });
});
