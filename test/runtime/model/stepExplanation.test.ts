import { describe, expect, it } from "vitest";
import type { Detection } from "../../../runtime/model/detection";
import { Random } from "../../../runtime/model/random";
import { ReplicaStream } from "../../../runtime/model/replicaStream";
import { deviationAttribution, expectedValues, forestAttribution, namedCauses, viewAlert } from "../../../runtime/model/stepExplanation";
import { StreamingForest } from "../../../runtime/model/streamingForest";

/** A forest over `shingle` steps of `width` coordinates, trained on steps near `level` (coordinate j of a step near level[j]). */
function trained(level: readonly number[], shingle: number, seed: number): StreamingForest {
  const width = level.length;
  const forest = new StreamingForest({ dimensions: width * shingle, numTrees: 31, sampleSize: 64, seed });
  const rng = new Random(seed);
  for (let i = 0; i < 400; i++) forest.update(Array.from({ length: width * shingle }, (_, d) => level[d % width] + 0.1 * rng.normal()));
  return forest;
}

/** A step's detection before any view judged it: scored, not alerting. */
const plain = (index: number, spread: number[]): Detection => ({ index, score: 2, grade: 0, alert: false, seasonal: false, confidence: 1, likelihood: 0.3, threshold: 3, attribution: null, expected: [0, 0], spread, deviations: [0, 0] });

describe("namedCauses", () => {
  it("names the three largest shares, largest first, the lower metric first on a tie", () => {
    expect(namedCauses([0.1, 0.5, 0.2, 0.5, 0.05])).toEqual([1, 3, 2]);
    expect(namedCauses([0.4, 0.9])).toEqual([1, 0]);
    expect(namedCauses([])).toEqual([]);
  });
});

describe("deviationAttribution", () => {
  it("shares the score in proportion to each metric's distance from its expected value, in its spreads", () => {
    // Distances in spreads: 2, 0 and 3 of 5 in all.
    const shares = deviationAttribution([12, 10, 7], [10, 10, 10], [1, 5, 1], 2);
    expect(shares[0]).toBeCloseTo(0.8, 12);
    expect(shares[1]).toBe(0);
    expect(shares[2]).toBeCloseTo(1.2, 12);
  });

  it("shares the score equally when every value is as expected", () => {
    expect(deviationAttribution([4, 5, 6], [4, 5, 6], [1, 1, 1], 3)).toEqual([1, 1, 1]);
  });
});

describe("expectedValues", () => {
  it("without a forest: the typical values, and nothing imputed", () => {
    const shingle = { point: new Float64Array(4), imputed: new Float64Array([7, 7]) };
    const inverse = (): number => {
      throw new Error("nothing to bring back without a forest");
    };
    expect(expectedValues(2, null, shingle, [2, 3], (m) => 100 + m, inverse)).toEqual([100, 101]);
    expect(Array.from(shingle.imputed)).toEqual([0, 0]);
  });

  it("with a forest: the current step imputed from the rest of the shingle, brought back to the raw scale", () => {
    const forest = trained([1, 2], 2, 3);
    // The earlier step as trained, the current one far off: the forest imputes the current one as trained.
    const shingle = { point: new Float64Array([1, 2, 9, -9]), imputed: new Float64Array(2) };
    const expected = expectedValues(2, forest, shingle, [2, 3], () => NaN, (m, y) => 10 * y + m);
    expect(shingle.imputed[0]).toBeCloseTo(1, 0);
    expect(shingle.imputed[1]).toBeCloseTo(2, 0);
    expect(expected).toEqual([10 * shingle.imputed[0], 10 * shingle.imputed[1] + 1]);
  });
});

describe("forestAttribution", () => {
  it("sums the forest's attribution over the shingle and over a metric's value and change coordinates", () => {
    // Two metrics, each as a value and a change coordinate (width 4), over a shingle of 2 steps.
    const forest = trained([1, 2, 0, 0], 2, 4);
    const point = new Float64Array([1, 2, 0, 0, 1, 8, 0, 6]);
    const buffer = new Float64Array(8);
    const shares = forestAttribution(forest, point, buffer, 4, 2);
    const fold = [0, 1].map((m) => buffer.reduce((a, x, d) => ((d % 4) % 2 === m ? a + x : a), 0));
    expect(shares).toEqual(fold);
    expect(shares[0] + shares[1]).toBeCloseTo(forest.score(point), 9);
    // Metric 1's value and change are what lie off.
    expect(shares[1]).toBeGreaterThan(10 * shares[0]);
  });
});

describe("viewAlert", () => {
  const o = { inputs: 2, repeatWindow: 10 };
  const view = { expected: (m: number) => [10, 20][m], z: (m: number) => [1, 3][m] };

  it("raises the view's grade on the series furthest off its expectation, as the view explains it", () => {
    const series = [new ReplicaStream(2, 0), new ReplicaStream(2, 0)];
    // Off by z-weighted distance: 1 for the first series, 15 for the second.
    const inputs = [
      { series: series[0], values: [11, 20] },
      { series: series[1], values: [10, 25] },
    ];
    const out = [plain(40, [1, 2]), plain(40, [1, 2])];
    const first = out[0];
    viewAlert(o, inputs, [2, 4], out, 0.6, view, true);
    expect(out[0]).toBe(first);
    expect(out[1]).toEqual({ ...plain(40, [1, 2]), grade: 0.6, alert: true, seasonal: true, likelihood: 0.8, expected: [10, 20], attribution: [1, 3], deviations: [0, 2.5] });
    expect(series[1].lastAlertIndex).toBe(40);
    expect(series[1].lastAlertScore).toBe(4);
    expect(series[1].incidentCauses).toEqual([1, 0]);
    expect(series[0].lastAlertIndex).toBe(-Infinity);
  });

  it("passes over a series unscored, one within repeatWindow of its last alert and one alerting with a higher grade", () => {
    const series = [new ReplicaStream(2, 0), new ReplicaStream(2, 0), new ReplicaStream(2, 0), new ReplicaStream(2, 0)];
    series[1].noteAlert(35, 5, [0], o.repeatWindow);
    const inputs = series.map((s, i) => ({ series: s, values: [10, 20 + 10 * (4 - i)] }));
    const out = [plain(40, [1, 1]), plain(40, [1, 1]), { ...plain(40, [1, 1]), alert: true, grade: 0.9 }, plain(40, [1, 1])];
    viewAlert(o, inputs, [undefined, 3, 3, 3], out, 0.6, view, false);
    // The last series, the nearest of the four, is the only one left to raise it.
    expect(out.map((d) => d.alert)).toEqual([false, false, true, true]);
    expect(out[2].grade).toBe(0.9);
    expect(out[3]).toMatchObject({ grade: 0.6, seasonal: false, expected: [10, 20] });
    expect(out[3].attribution).toEqual([0.75, 2.25]);

    // With every series passed over, nothing changes.
    const none = [plain(40, [1, 1])];
    viewAlert(o, [{ series: series[1], values: [0, 0] }], [3], none, 0.6, view, false);
    expect(none[0].alert).toBe(false);
  });
});
