import { describe, expect, it } from "vitest";
import { DriftView } from "../../../runtime/model/driftView";
import { Random } from "../../../runtime/model/random";

const options = { inputs: 1, span: 32, discount: 1 / 2560, zFactor: 6 };

/** Feeds `values` and returns the steps at which the view graded a drift onset. */
function onsets(view: DriftView, values: readonly number[]): number[] {
  return values.flatMap((v, i) => (view.process([v], 64, 50) > 0 ? [i] : []));
}

describe("DriftView", () => {
  it("grades a slow creep once, long before it ends, and noise never", () => {
    const rng = new Random(7);
    const values: number[] = [];
    let level = 50;
    for (let i = 0; i < 3000; i++) values.push(50 + 5 * rng.normal());
    for (let i = 0; i < 1000; i++) values.push((level *= 1.001) + 5 * rng.normal());
    const found = onsets(new DriftView(options), values);
    expect(found).toHaveLength(1);
    expect(found[0]).toBeGreaterThan(3000);
    expect(found[0]).toBeLessThan(3300);
  });

  it("stays quiet on a daily cycle and on a weekly one", () => {
    const rng = new Random(8);
    const cycle = Array.from({ length: 6000 }, (_, i) => 50 + 30 * Math.sin((2 * Math.PI * i) / 288) + 2 * rng.normal());
    expect(onsets(new DriftView(options), cycle)).toEqual([]);
    const weekly = Array.from({ length: 3 * 2016 }, (_, i) => (50 + 30 * Math.sin((2 * Math.PI * i) / 288)) * (Math.floor((i % 2016) / 288) === 3 ? 1.6 : 1) + 2 * rng.normal());
    expect(onsets(new DriftView(options), weekly).filter((i) => i >= 2016)).toEqual([]);
  });

  it("grades a lasting level shift once while its statistics take it in", () => {
    const rng = new Random(9);
    const values = Array.from({ length: 8000 }, (_, i) => (i < 3000 ? 100 : 130) + 3 * rng.normal());
    const found = onsets(new DriftView(options), values);
    expect(found).toHaveLength(1);
    expect(found[0] - 3000).toBeLessThan(32);
  });

  it("takes no blip of a metric that sits still for a drift: its smoothed level is judged at least in the spread noise would give it", () => {
    // A metric at 0 but for a blip of 1–5 every 400–800 steps (a counter, a flag, a near-constant gauge), three
    // seeds. The smoothed level barely moves between blips, so without a floor its spread is ~0 and a blip, clipped
    // to three spreads of the raw values, still sat millions of its spreads off (smd-dev's false drift onsets).
    for (const seed of [1, 2, 3]) {
      const rng = new Random(seed);
      const values = new Array<number>(12_000).fill(0);
      for (let i = 300 + rng.int(400); i < values.length; i += 400 + rng.int(400)) values[i] = 1 + 4 * rng.next();
      expect(onsets(new DriftView(options), values)).toEqual([]);
      // The same metric creeping up by 0.005 per step from step 8,000 (40 over the last 4,000 steps) is still found.
      const creeping = values.map((v, i) => v + (i > 8000 ? (i - 8000) * 0.005 : 0));
      const found = onsets(new DriftView(options), creeping);
      expect(found.length).toBeGreaterThanOrEqual(1);
      expect(found[0]).toBeGreaterThan(8000);
    }
  });

  it("grades a shift that hovers about the limit while its statistics take it in once, not at each return", () => {
    // A shift of two noise deviations puts the smoothed level just beyond 6 spreads, where noise carries it back
    // and forth for a few hundred steps: an episode that ended 50 steps after the level came back graded it 2–3 times.
    for (const seed of [1, 2, 3]) {
      const rng = new Random(seed);
      const values = Array.from({ length: 8000 }, (_, i) => (i < 3000 ? 100 : 106) + 3 * rng.normal());
      const found = onsets(new DriftView(options), values);
      expect(found).toHaveLength(1);
      expect(found[0] - 3000).toBeLessThan(200);
    }
  });

  it("continues from its saved state exactly, and rejects a state of another width", () => {
    const rng = new Random(10);
    const values = Array.from({ length: 4000 }, (_, i) => 20 + rng.normal() + (i > 3000 ? (i - 3000) * 0.02 : 0));
    const whole = new DriftView(options);
    const expected = onsets(whole, values);
    const first = new DriftView(options);
    onsets(first, values.slice(0, 2000));
    const restored = new DriftView(options, JSON.parse(JSON.stringify(first.toState())));
    expect(onsets(restored, values.slice(2000)).map((i) => i + 2000)).toEqual(expected);
    expect(expected.length).toBe(1);
    expect(() => new DriftView({ ...options, inputs: 2 }, first.toState())).toThrow(/expected 2 levels/);
  });
});
