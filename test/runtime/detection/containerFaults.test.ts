import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR, type DetectorProfile } from "../../../runtime/detection/detectorProfiles";
import { ServiceDetector, type ContainerDetection } from "../../../runtime/detection/serviceDetector";
import { Random } from "../../../runtime/model/random";
import { weeklyTraffic } from "../../helpers/weeklyTraffic";

/**
 * What container metrics need (issue 14, Build 4), on the detector the Lambda runs (CONTAINER_DETECTOR through
 * the ServiceDetector), learning from scratch as a deployment without a trained model does. Seeded series,
 * three seeds each: a behaviour that holds for one seed only is luck.
 */
const MINUTE = 60_000;
const SEEDS = [1, 2, 3];

function detect(rows: readonly (readonly number[])[], stepMs: number, seed: number, profile: DetectorProfile = CONTAINER_DETECTOR): ContainerDetection[] {
  const d = new ServiceDetector({ inputs: rows[0].length, detector: { ...profile, seed }, scorer: "forest", replicaTtlMs: 60 * MINUTE, groupTtlMs: 30 * 24 * 60 * MINUTE });
  return rows.map((values, i) => d.process(i * stepMs, [{ container: "task-1/app", containerName: "app", values }])[0]);
}

const alertsIn = (d: readonly ContainerDetection[], from: number, to = d.length) => d.slice(from, to).flatMap((x, i) => (x.alert ? [from + i] : []));

/** 2,000 stable steps of a metric at 50 ± `noise`, then 800 steps creeping +0.1 % per step; a second metric steady. */
function creep(rng: Random, noise: number): number[][] {
  const rows: number[][] = [];
  let level = 50;
  for (let i = 0; i < 2000; i++) rows.push([level + noise * rng.normal(), 30 + rng.normal()]);
  for (let i = 0; i < 800; i++) rows.push([(level *= 1.001) + noise * rng.normal(), 30 + rng.normal()]);
  return rows;
}

/**
 * The request rate of test/helpers/weeklyTraffic.ts as rows of one metric: `day` steps a day, `weeks` weeks, the day
 * starting at step `holiday` shaped like a weekend day; from step `drop`, `dropSteps` steps at half the rate.
 */
function trafficRows(seed: number, day: number, weeks: number, holiday: number, drop = -1, dropSteps = 0): number[][] {
  return weeklyTraffic(weeks * 7 * day, seed, day, 150, holiday / day).map((v, i) => [i >= drop && i < drop + dropSteps ? v / 2 : v]);
}

describe.each(SEEDS)("container faults, seed %i", (seed) => {
  it("alerts on a 0.1 %/step drift to a new maximum before the drift ends (a memory leak)", () => {
    const rng = new Random(seed);
    // Memory 50 ± 1 (2 % noise) for a week of 5-minute steps, then +0.1 % per step for 800 steps (×2.2).
    const rows = creep(rng, 1);
    const d = detect(rows, 5 * MINUTE, seed);
    expect(alertsIn(d, 0, 2000)).toEqual([]);
    expect(alertsIn(d, 2000, 2800).length).toBeGreaterThan(0);
    expect(alertsIn(d, 2000, 2800).length).toBeLessThanOrEqual(3);
  });

  it("with the opt-in drift view, alerts on the same creep under 10 % noise too, once", () => {
    // Under 10 % noise the shipped settings miss this creep for some seeds (see the README's limits); the drift
    // view (driftZFactor 6) catches it, at a cost on the development sets that keeps it off by default.
    const rows = creep(new Random(seed), 5);
    const d = detect(rows, 5 * MINUTE, seed, { ...CONTAINER_DETECTOR, driftZFactor: 6 });
    expect(alertsIn(d, 0, 2000)).toEqual([]);
    expect(alertsIn(d, 2000, 2800).length).toBeGreaterThan(0);
    expect(alertsIn(d, 2000, 2800).length).toBeLessThanOrEqual(3);
  });

  it("alerts within 5 steps when a metric drops to zero after 2,000 stable steps (a crashed task, lost traffic)", () => {
    const rng = new Random(seed);
    const rows: number[][] = [];
    for (let i = 0; i < 2000; i++) rows.push([100 + 5 * rng.normal(), 40 + 2 * rng.normal()]);
    for (let i = 0; i < 20; i++) rows.push([0, 40 + 2 * rng.normal()]);
    const d = detect(rows, MINUTE, seed);
    expect(alertsIn(d, 0, 2000)).toEqual([]);
    expect(alertsIn(d, 2000, 2005).length).toBeGreaterThan(0);
    expect(d[2001].expected[0]).toBeGreaterThan(50);
  });

  // At 1-minute steps (a week of 10,080 steps) the week is modelled only from the fourth week (three weeks of bins);
  // in the third the forest follows the busy day's smooth rise step by step, so it does not alert there either.
  it.each([
    { minutes: 5, day: 288 },
    { minutes: 1, day: 1440 },
  ])("does not alert at the weekly peak in the third week of a weekly cycle at $minutes-minute steps", ({ minutes, day }) => {
    const rng = new Random(seed);
    const week = 7 * day;
    const rows: number[][] = [];
    for (let i = 0; i < 3 * week; i++) {
      // A daily cycle, and one busy day a week (×1.6) — a weekly period of 7 days.
      const busy = Math.floor((i % week) / day) === 3 ? 1.6 : 1;
      rows.push([(50 + 30 * Math.sin((2 * Math.PI * i) / day)) * busy + 2 * rng.normal(), 20 + rng.normal()]);
    }
    const d = detect(rows, minutes * MINUTE, seed);
    expect(alertsIn(d, 2 * week + 3 * day, 2 * week + 4 * day)).toEqual([]);
  });

  // A request rate with quieter weekends (trafficRows): a holiday (a Wednesday shaped like a Sunday) and, but at
  // 10 minutes, a 2-hour drop to half at a Wednesday's peak a week earlier. At 30-minute steps the week is the seasonal
  // view's cycle (336 steps); at 5 and 10 minutes (2,016 and 1,008 steps, beyond its 512) it is held in half-hour bins.
  // Judged against the average day (seasonalMultiples off) neither is seen; from week 5 the week adds no other alert:
  // any other is one the average day raises too (the forest's; seed 3 at 5 minutes: one on a Friday). At 1-minute
  // steps the day (1,440 steps) is found in the long-cycle finder's half-hour bins with its week, from the fourth
  // week; nothing models either without the week. There the forest's memory (under two days) has only the weekend by
  // Monday morning: with or without the week, any other alert is on a Monday morning, the first weekday peak, or is
  // one the average day raises too (seed 3: a one-step rise of the noise, 428 -> 612 -> 418 where about 470 is usual,
  // graded 0.51 since the forest's coordinates are clipped at 100 deviations, 0.50 before; session 62).
  it.each([
    { minutes: 30, weeks: 10, at: 7, drop: 4, maxOther: 0 },
    { minutes: 5, weeks: 8, at: 5, drop: 24, maxOther: 1 },
    { minutes: 10, weeks: 8, at: 5, drop: 0, maxOther: 1 },
    { minutes: 1, weeks: 5, at: 3, drop: 120, maxOther: 2 },
  ])("with quieter weekends at $minutes-minute steps, finds a holiday and a 2-hour drop at the weekday peak once its week is modelled", ({ minutes, weeks, at, drop: dropSteps, maxOther }) => {
    const day = (24 * 60) / minutes;
    const week = 7 * day;
    const drop = at * week + 2 * day + day / 2;
    const holiday = (at + 1) * week + 2 * day;
    const rows = trafficRows(seed, day, weeks, holiday, dropSteps > 0 ? drop : -1, dropSteps);
    const d = detect(rows, minutes * MINUTE, seed);
    const daily = detect(rows, minutes * MINUTE, seed, { ...CONTAINER_DETECTOR, seasonalMultiples: false });
    const inDrop = (i: number) => dropSteps > 0 && i >= drop && i < drop + 1.5 * dropSteps + 2;
    if (dropSteps > 0) {
      expect(alertsIn(d, drop, drop + 1.5 * dropSteps + 2).length).toBeGreaterThan(0);
      expect(alertsIn(daily, drop, drop + 1.5 * dropSteps + 2)).toEqual([]);
    }
    expect(alertsIn(d, holiday, holiday + day).length).toBeGreaterThan(0);
    expect(alertsIn(daily, holiday, holiday + day)).toEqual([]);
    const elsewhere = (x: readonly ContainerDetection[]) => alertsIn(x, 4 * week).filter((i) => !inDrop(i) && !(i >= holiday && i < holiday + day));
    if (minutes > 1) expect(elsewhere(daily)).toEqual(expect.arrayContaining(elsewhere(d)));
    const mondayMorning = (i: number) => Math.floor(i / day) % 7 === 0 && i % day >= (8 * day) / 24 && i % day < (12 * day) / 24;
    if (minutes === 1) expect(elsewhere(d).filter((i) => !mondayMorning(i) && !elsewhere(daily).includes(i))).toEqual([]);
    expect(elsewhere(d).length).toBeLessThanOrEqual(maxOther);
  });

  it("alerts on a 10× CPU jump of a service only 30 steps old", () => {
    const rng = new Random(seed);
    const rows: number[][] = [];
    for (let i = 0; i < 30; i++) rows.push([20 + 2 * rng.normal(), 300 + 10 * rng.normal(), 50 + 5 * rng.normal()]);
    for (let i = 0; i < 10; i++) rows.push([200 + 2 * rng.normal(), 300 + 10 * rng.normal(), 50 + 5 * rng.normal()]);
    const d = detect(rows, MINUTE, seed);
    expect(alertsIn(d, 0, 30)).toEqual([]);
    const first = alertsIn(d, 30);
    expect(first[0]).toBe(30);
    // The CPU metric is the one off, against the level it had.
    expect(d[30].expected[0]).toBeLessThan(40);
    expect(d[30].grade).toBeGreaterThanOrEqual(0.5);
  });
});

describe("single-metric faults, the shipped settings (a NAB series runs them too)", () => {
  const profile = CONTAINER_DETECTOR;
  it.each(SEEDS)("alerts on a single huge spike in a quiet series (seed %i)", (seed) => {
    const rng = new Random(seed);
    const rows = Array.from({ length: 3100 }, (_, i) => [10 + 0.1 * rng.normal() + (i === 3000 ? 50 : 0)]);
    expect(detect(rows, 5 * MINUTE, seed, profile)[3000].alert).toBe(true);
  });

  it.each(SEEDS)("hardly alerts on a counter's routine bursts, but does on one far beyond them (seed %i)", (seed) => {
    // A retry counter at zero but for bursts of 40-70 every 60-150 steps; a second metric steady. At step 3,000 a
    // burst of 400.
    const rng = new Random(seed);
    let next = 60;
    const rows = Array.from({ length: 3100 }, (_, i) => {
      let burst = 0;
      if (i === 3000) burst = 400;
      else if (i === next) {
        burst = Math.round(40 + 30 * rng.next());
        next += 60 + Math.floor(90 * rng.next());
      }
      return [burst, 30 + rng.normal()];
    });
    const d = detect(rows, 5 * MINUTE, seed, profile);
    // Without the usual bursts' tolerance 16-17 of the 19-20 routine bursts alert; with it at most 2, each one where
    // the steady metric is over 2 deviations off at the burst's step too (measured: 0, 2 and 2 at seeds 1-3).
    expect(alertsIn(d, 600, 3000).length).toBeLessThanOrEqual(2);
    expect(alertsIn(detect(rows, 5 * MINUTE, seed, { ...profile, ignoreNearUsualBursts: 0 }), 600, 3000).length).toBeGreaterThanOrEqual(15);
    expect(d[3000].alert).toBe(true);
  });

  it.each(SEEDS)("alerts on a change inside a long run of zeros (seed %i)", (seed) => {
    // An error counter: zero but for a single error every 97 steps, then ten steps of 3 errors.
    const rows = Array.from({ length: 3100 }, (_, i) => [i >= 3000 && i < 3010 ? 3 : i % 97 === 0 ? 1 : 0]);
    const d = detect(rows, 5 * MINUTE, seed, profile);
    expect(alertsIn(d, 600, 3000)).toEqual([]);
    expect(alertsIn(d, 3000, 3005).length).toBeGreaterThan(0);
  });
});

describe("the young guard's rates (the README's figures)", () => {
  /** Young services (64 one-minute steps, before the model grades) with lognormal CPU and latency of spread σ, over `seeds` seeds. */
  function falseAlertServices(sigma: number, seeds: number): number {
    let alerted = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = new Random(seed);
      const rows = Array.from({ length: 64 }, () => [20 * Math.exp(sigma * rng.normal()), 300 + 10 * rng.normal(), 50 * Math.exp(sigma * rng.normal())]);
      if (detect(rows, MINUTE, seed).some((d) => d.alert)) alerted++;
    }
    return alerted;
  }

  it("raises a false alert in at most 1 of 200 young services with lognormal noise of σ 0.5, none at σ 0.3", () => {
    expect(falseAlertServices(0.3, 200)).toBe(0);
    expect(falseAlertServices(0.5, 200)).toBeLessThanOrEqual(1);
  });

  it("catches a CPU hog, a network delay and lost traffic 64 to 250 steps in (lost traffic from 30), in every service", () => {
    // CPU 20 ± 2 %, latency 50 ms lognormal, traffic 1,000 ± 100; at step `at`, CPU to 95 %, latency ×5 with traffic
    // halved, or traffic to 0 with CPU at 2 %, for 10 steps. Before confirmGrossUntil a hog or a delay 64 to 150 steps
    // in was graded once and never raised; before grossFaultFallZ lost traffic up to 150 steps in was never raised.
    for (const fault of ["cpu", "network", "lost"] as const) {
      for (const at of fault === "lost" ? [30, 64, 100, 180, 250] : [64, 100, 180, 250]) {
        let caught = 0;
        for (let seed = 1; seed <= 10; seed++) {
          const rng = new Random(700 + seed);
          const rows = Array.from({ length: at + 20 }, (_, i) => {
            const row = [20 + 2 * rng.normal(), 50 * Math.exp(0.1 * rng.normal()), 1000 + 100 * rng.normal()];
            if (i >= at && i < at + 10 && fault === "cpu") row[0] = 95;
            if (i >= at && i < at + 10 && fault === "network") [row[1], row[2]] = [row[1] * 5, row[2] / 2];
            if (i >= at && i < at + 10 && fault === "lost") [row[0], row[2]] = [2, 0];
            return row;
          });
          const d = detect(rows, MINUTE, seed);
          if (alertsIn(d, at, at + 10).length > 0) caught++;
          expect(alertsIn(d, 0, at)).toEqual([]);
        }
        expect(caught, `${fault} at ${at}`).toBe(10);
      }
    }
  });

  it("catches a 5× CPU jump after 30 steps in 50 of 50 young services", () => {
    let caught = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new Random(seed);
      const rows = Array.from({ length: 40 }, (_, i) => [20 * (i >= 30 ? 5 : 1) + 2 * rng.normal(), 300 + 10 * rng.normal(), 50 + 5 * rng.normal()]);
      if (alertsIn(detect(rows, MINUTE, seed), 30).length > 0) caught++;
    }
    expect(caught).toBe(50);
  });
});
