import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { thresholdedForestSchema } from "../../../runtime/model/detectorStateSchema";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";
import { resolveOptions } from "../../../runtime/model/resolveOptions";
import { forestClipBounds } from "../../../runtime/model/thresholdedForestOptions";

/**
 * `forestClip`: each coordinate of the forest's point lies at most this many deviations from its mean. A young
 * series' second value is judged against statistics that hold one value (deviation 0, scale floor 10^-9), so it lay
 * billions of deviations away. A cut falls on a coordinate in proportion to the sample's range along it, so while the
 * sample kept that point nearly every cut fell on its coordinates, and a fault of tens of deviations in one metric was
 * seldom cut off: a young service's faults stayed under the threshold for hundreds of steps (docs/quality.md,
 * sessions 58 and 62).
 * A container of four metrics (CPU 20 ± 2 %, memory 30 ± 0.5 %, latency 50 ms lognormal, traffic 1,000 ± 100); 20 seeds.
 */
const row = (rng: Random) => [20 + 2 * rng.normal(), 30 + 0.5 * rng.normal(), 50 * Math.exp(0.1 * rng.normal()), 1000 + 100 * rng.normal()];

/** Seeds of 20 in which memory doubled for 3 steps, `at` steps into a service's life, alerts within 8 steps; alerts elsewhere. */
function memoryFault(at: number, forestClip: number): { caught: number; elsewhere: number } {
  let caught = 0;
  let elsewhere = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Random(1000 + seed);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed, forestClip });
    let hit = false;
    for (let t = 0; t < at + 20; t++) {
      const r = row(rng);
      if (t >= at && t < at + 3) r[1] *= 2;
      const alert = d.process(r).alert;
      if (alert && t >= at && t < at + 8) hit = true;
      else if (alert) elsewhere++;
    }
    if (hit) caught++;
  }
  return { caught, elsewhere };
}

describe("forestClip (the forest's coordinates at most so many deviations out)", () => {
  it("is in the shipped profile", () => {
    expect(CONTAINER_DETECTOR.forestClip).toBe(100);
  });

  it("raises a young service's memory fault that a young forest's first points hid", () => {
    const clipped = memoryFault(100, 100);
    expect(clipped.caught).toBeGreaterThanOrEqual(18);
    expect(clipped.elsewhere).toBe(0);
    expect(memoryFault(100, 0).caught).toBeLessThanOrEqual(5);
  });

  it("still raises a mature metric's move of thousands of deviations, and names it", () => {
    const rng = new Random(5);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 5 });
    const alerts = Array.from({ length: 1500 }, (_, t) => {
      const r = [20 + 2 * rng.normal(), 30 + 0.5 * rng.normal()];
      if (t >= 1400 && t < 1405) r[1] = 5000;
      return d.process(r);
    }).flatMap((x, t) => (x.alert ? [{ t, x }] : []));
    expect(alerts.map((a) => a.t)).toEqual([1400]);
    expect(alerts[0].x.attribution?.[1]).toBeGreaterThan(alerts[0].x.attribution?.[0] ?? Number.POSITIVE_INFINITY);
  });

  it("bounds values only when the transform normalises them, and changes times their weight", () => {
    const bounds = (o: Parameters<typeof resolveOptions>[0], width: number) => Array.from(forestClipBounds(resolveOptions(o), width) ?? []);
    expect(bounds({ inputs: 2, forestClip: 50, forestChanges: 0.15 }, 4)).toEqual([50, 50, 50 * 0.15, 50 * 0.15]);
    expect(bounds({ inputs: 2, forestClip: 50, transform: "none", forestChanges: 0.5 }, 4)).toEqual([Infinity, Infinity, 25, 25]);
    expect(forestClipBounds(resolveOptions({ inputs: 2 }), 2)).toBeNull();
  });

  it("survives the binary codec and the state schema, and continues exactly, spikes beyond the bound included", () => {
    const rng = new Random(11);
    // A metric that holds one value for 300 steps, then moves (billions of deviations: clipped), and spikes later.
    const rows = Array.from({ length: 900 }, (_, t) => [row(rng)[0], t < 300 ? 7 : 9 + (t === 700 ? 5000 : 0) + 0.1 * rng.normal()]);
    const a = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 11 });
    const b = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 2, seed: 11 });
    rows.slice(0, 500).forEach((r) => [a, b].forEach((d) => d.process(r)));
    const c = ThresholdedForest.fromState(v.parse(thresholdedForestSchema, unpackState(packState(b.toState()))) as ReturnType<typeof b.toState>);
    expect(c.options.forestClip).toBe(100);
    const [fromA, fromC] = [rows.slice(500).map((r) => a.process(r)), rows.slice(500).map((r) => c.process(r))];
    expect(fromC).toEqual(fromA);
    expect(fromA[200].alert).toBe(true);
  });

  it("is off in a model saved before the option, and a bad bound is refused by name", () => {
    const state = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 1 }).toState();
    expect(state.options.forestClip).toBe(100);
    const { forestClip: _dropped, ...older } = state.options;
    expect(ThresholdedForest.fromState({ ...state, options: older as typeof state.options }).options.forestClip).toBe(0);
    for (const bad of [-1, 0.5, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => resolveOptions({ inputs: 1, forestClip: bad })).toThrow(/forestClip must be 0 \(unclipped\) or a finite number of deviations >= 1/);
    }
  });
});
