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
