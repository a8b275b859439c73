import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest } from "../../../runtime/model/thresholdedForest";
import { resolveOptions } from "../../../runtime/model/resolveOptions";

/**
 * `grossFaultFallZ`: while a service is young, a metric that falls below a third of its level, far outside its noise,
 * for two steps in a row alerts (a crashed task, lost traffic). A container of four metrics (CPU 20 ± 2 %, memory
 * 30 ± 0.5 %, latency 50 ms lognormal, traffic 1,000 ± 100 requests); 20 seeds.
 */
const row = (rng: Random) => [20 + 2 * rng.normal(), 30 + 0.5 * rng.normal(), 50 * Math.exp(0.1 * rng.normal()), 1000 + 100 * rng.normal()];

function run(fallZ: number, at: number, fault: (r: number[], k: number) => void, steps: number): { caught: number; delays: number[]; elsewhere: number } {
  let caught = 0;
  let elsewhere = 0;
  const delays: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Random(500 + seed);
    const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed, grossFaultFallZ: fallZ });
    let hit = -1;
    for (let t = 0; t < at + 40; t++) {
      const r = row(rng);
      if (t >= at && t < at + steps) fault(r, t - at);
      const alert = d.process(r).alert;
      if (alert && t >= at && t < at + steps + 5) {
        if (hit < 0) hit = t - at;
      } else if (alert) elsewhere++;
    }
    if (hit >= 0) {
      caught++;
      delays.push(hit);
    }
  }
  return { caught, delays, elsewhere };
}

const lostTraffic = (r: number[]) => {
  r[3] = 0;
  r[0] = 2;
};

describe("grossFaultFallZ (a young service's fall toward zero)", () => {
  it("raises lost traffic at 30, 64, 100 and 150 steps in, on its second step, where the detector alone missed it", () => {
    for (const at of [30, 64, 100, 150]) {
      const withFall = run(4, at, lostTraffic, 10);
      expect(withFall.caught).toBe(20);
      expect(Math.max(...withFall.delays)).toBeLessThanOrEqual(1);
      expect(withFall.elsewhere).toBe(0);
      // Without it: 0 of 20 up to 64 steps in, 2 at 100, 18 at 150 (0, 0 and 13 before the forest's coordinates were clipped).
      expect(run(0, at, lostTraffic, 10).caught).toBeLessThanOrEqual(at < 100 ? 0 : at < 150 ? 2 : 18);
    }
  });

  it("raises a crashed task (every metric at 0) and a metric of four falling alone", () => {
    for (const at of [30, 100]) {
      expect(run(4, at, (r) => r.fill(0), 10).caught).toBe(20);
      expect(run(4, at, (r) => (r[0] = 0.2), 10).caught).toBe(20);
    }
  });

  it("leaves a one-step zero (a lost scrape) and a fall to half alone", () => {
    for (const at of [30, 80, 150]) {
      const scrape = run(4, at, (r) => r.fill(0), 1);
      expect(scrape).toEqual(run(0, at, (r) => r.fill(0), 1));
      const half = run(4, at, (r) => (r[3] *= 0.5), 10);
      expect(half.caught).toBe(run(0, at, (r) => (r[3] *= 0.5), 10).caught);
    }
  });

  it("decides only: the detector learns and scores every step as without it, and is left alone once the forest has 256 updates", () => {
    const rng = new Random(501);
    const rows = Array.from({ length: 400 }, (_, t) => {
      const r = row(rng);
      if (t >= 40 && t < 50) lostTraffic(r);
      return r;
    });
    const replay = (fallZ: number) => {
      const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, inputs: 4, seed: 1, grossFaultFallZ: fallZ });
      return rows.map((r) => d.process(r));
    };
    const [withFall, without] = [replay(4), replay(0)];
    expect(withFall.map((x) => x.score)).toEqual(without.map((x) => x.score));
    expect(withFall.map((x) => x.threshold)).toEqual(without.map((x) => x.threshold));
    expect(withFall.slice(40, 50).some((x) => x.alert)).toBe(true);
    expect(without.slice(40, 50).some((x) => x.alert)).toBe(false);
    // Past confirmGrossUntil (256 updates) the forest judges alone, with the option or without.
    expect(withFall.slice(260)).toEqual(without.slice(260));
  });

  it("is refused when it is not a finite number >= 0", () => {
    expect(() => resolveOptions({ inputs: 1, grossFaultFallZ: -1 })).toThrow(/grossFaultFallZ must be a finite number >= 0 \(0: off\), got -1/);
    expect(() => resolveOptions({ inputs: 1, grossFaultFallZ: Number.NaN })).toThrow(/grossFaultFallZ must be a finite number >= 0/);
  });
});
