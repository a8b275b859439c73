import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type Detection, type ThresholdedForestOptions } from "../../../runtime/model/thresholdedForest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { SHINGLED_SERIES } from "../../helpers/shingledSeries";

/**
 * `statisticsMemory` (thresholdedForestOptions.ts): the memory of the running statistics — the input's normalisation,
 * the threshold's score statistics, the drift view — apart from the forest sample's (1 / timeDecay).
 */
const base: ThresholdedForestOptions = { ...SHINGLED_SERIES, inputs: 2, numTrees: 12, sampleSize: 128, timeDecay: 1 / 1280, statisticsMemory: 0, seed: 5, driftZFactor: 6 };

function rows(n: number, seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, t) => [10 + Math.sin(t / 40) + 0.3 * rng.normal(), 50 + 5 * rng.normal() + (t === n - 300 ? 60 : 0)]);
}

const run = (xs: readonly number[][], o: ThresholdedForestOptions): Detection[] => {
  const d = new ThresholdedForest(o);
  return xs.map((x) => d.process(x));
};

type State = ReturnType<ThresholdedForest["toState"]>;
/** The discounts the state holds: the forest's sample, the normalisation's, the threshold's, the drift view's. */
function discounts(d: ThresholdedForest): { forest: number; level: number; change: number; threshold: number; drift: number } {
  const s = d.toState() as State & {
    forest: { timeDecay: number };
    preprocessor: { level: number[][]; change: number[][] };
    thresholder: { stats: number[] };
    drift: { stats: number[][] };
  };
  // A Deviation's state is [discount, weight, sum, sum of squares (of the values less its reference), reference?].
  return { forest: s.forest.timeDecay, level: s.preprocessor.level[0][0], change: s.preprocessor.change[0][0], threshold: s.thresholder.stats[0], drift: s.drift.stats[0][0] };
}

describe("statisticsMemory", () => {
  it("is 5,120 steps in the shipped settings, twice the sample's", () => {
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1 });
    expect(d.options.statisticsMemory).toBe(5_120);
    expect(d.options.timeDecay).toBe(1 / 2_560);
  });

  it("sets the memory of the normalisation, the threshold and the drift view, not the forest's sample", () => {
    const d = new ThresholdedForest({ ...base, statisticsMemory: 10_000 });
    for (const x of rows(300, 1)) d.process(x);
    expect(discounts(d)).toEqual({ forest: 1 / 1280, level: 1 / 10_000, change: 1 / 10_000, threshold: 1 / 10_000, drift: 1 / 10_000 });
    const plain = new ThresholdedForest(base);
    for (const x of rows(300, 1)) plain.process(x);
    expect(discounts(plain)).toEqual({ forest: 1 / 1280, level: 1 / 1280, change: 1 / 1280, threshold: 1 / 1280, drift: 1 / 1280 });
  });

  it("defaults to the sample's memory: 0 and 1 / timeDecay detect the same, step for step", () => {
    const xs = rows(3_000, 2);
    const a = run(xs, base);
    const b = run(xs, { ...base, statisticsMemory: 1280 });
    expect(b).toEqual(a);
    expect(a.filter((r) => r.alert).length).toBeGreaterThan(0);
  });

  it("changes what is detected when longer, and still alerts on a jump of 12 deviations", () => {
    const xs = rows(3_000, 3);
    const short = run(xs, base);
    const long = run(xs, { ...base, statisticsMemory: 12_800 });
    expect(long.map((r) => r.grade)).not.toEqual(short.map((r) => r.grade));
    for (const ds of [short, long]) expect(ds[2_700].alert).toBe(true);
  });

  it("rejects a memory that is not 0 or at least one step, naming the setting", () => {
    for (const bad of [0.5, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => new ThresholdedForest({ ...base, statisticsMemory: bad })).toThrow(/statisticsMemory must be 0 \(the sample's memory\) or a finite number >= 1, got/);
    }
  });

  it("survives the binary state and continues exactly (container profile, as the detect Lambda restores it)", () => {
    const o: ThresholdedForestOptions = { ...CONTAINER_DETECTOR, inputs: 2, numTrees: 12, sampleSize: 128, seed: 7, statisticsMemory: 25_600 };
    const xs = rows(2_000, 4);
    const a = new ThresholdedForest(o);
    for (const x of xs.slice(0, 1_000)) a.process(x);
    // Binary codec, then the schema the detect Lambda reads a state back with.
    const b = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(a.toState()))) as State);
    expect(b.toState().options).toMatchObject({ statisticsMemory: 25_600 });
    for (const x of xs.slice(1_000)) expect(b.process(x)).toEqual(a.process(x));
  });

  it("costs alerts where a metric's noise changes regime for days: the noisy stretches after a quiet one (a 12-step shingled series, z 3, seeds 1-3)", () => {
    // 4,000 steps at noise 1, 4,000 at 0.25, and so on: a quiet stretch longer than the sample's memory. The longer
    // statistics still hold the quiet stretch's narrow scale when the noise comes back (docs/quality.md, README limits).
    const counts = [1, 2, 3].map((seed) => {
      const rng = new Random(seed);
      const xs = Array.from({ length: 24_000 }, (_, t) => [10 + (Math.floor(t / 4_000) % 2 === 0 ? 1 : 0.25) * rng.normal()]);
      const alerts = (memory: number) => run(xs, { ...SHINGLED_SERIES, inputs: 1, numTrees: 20, seed, statisticsMemory: memory }).filter((r) => r.alert && r.index >= 8_000).length;
      return [alerts(0), alerts(5_120)];
    });
    const [short, long] = [0, 1].map((k) => counts.reduce((a, c) => a + c[k], 0));
    // Measured: 28 alerts against 22 (30 against 18 before the shingle's earlier steps were weighted down, session 44).
    expect(long).toBeGreaterThan(1.2 * short);
    for (const [s, l] of counts) expect(l).toBeGreaterThanOrEqual(s);
  });
});
