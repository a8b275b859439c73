import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { BINS_PER_CYCLE, CoarseMultiple, type CoarseMultipleState } from "../../../runtime/model/coarseMultiple";
import { Random } from "../../../runtime/model/random";
import { SeasonalProfile, type SeasonalProfileOptions, type SeasonalProfileState } from "../../../runtime/model/seasonalProfile";
import { weeklyTraffic } from "../../helpers/weeklyTraffic";

/**
 * A week of a daily cycle at 5-minute steps (2,016 steps, beyond the seasonal view's 512): held in half-hour bins
 * (`CoarseMultiple`), it adds a per-bin offset of the week to the day's profile once it is far more alike than the day.
 */
const options: SeasonalProfileOptions = { maxPeriod: 512, minPeriod: 24, checkEvery: 128, zFactor: 6, multiples: true };
const DAY = 288;
const WEEK = 7 * DAY;

/** The request rate of test/helpers/weeklyTraffic.ts, at 5-minute steps unless `steps` says otherwise. */
const traffic = (n: number, seed: number, weekend = 150, holiday = -1, steps = DAY): number[] => weeklyTraffic(n, seed, steps, weekend, holiday);

const run = (values: readonly number[], p: SeasonalProfile) => values.map((v) => p.process(v));
const graded = (verdicts: readonly { grade: number }[], from = 0, to = verdicts.length) => verdicts.slice(from, to).flatMap((v, i) => (v.grade > 0 ? [from + i] : []));
const noon = (day: number) => day * DAY + DAY / 2;

describe.each([1, 2, 3])("a week held in bins at 5-minute steps (seed %i)", (seed) => {
  it("adds the week to a daily cycle whose weekends are quieter: the profile expects each day's own hump", () => {
    const p = new SeasonalProfile(options);
    const verdicts = run(traffic(8 * WEEK, seed), p);
    const s = p.toState();
    expect(p.currentPeriod()).toBeGreaterThanOrEqual(DAY - 1);
    expect(p.currentPeriod()).toBeLessThanOrEqual(DAY + 1);
    expect(Math.abs((s.coarse?.span ?? 0) - 7 * BINS_PER_CYCLE)).toBeLessThanOrEqual(2);
    // Week 8: at noon a weekday's hump is 500, a weekend's 250; the profile expects each within a tenth.
    for (const day of [7 * 7 + 1, 7 * 7 + 3]) expect(Math.abs((verdicts[noon(day)].expected ?? 0) - 500)).toBeLessThan(50);
    for (const day of [7 * 7 + 5, 7 * 7 + 6]) expect(Math.abs((verdicts[noon(day)].expected ?? 0) - 250)).toBeLessThan(25);
    // Not before three weeks of bins are held.
    const early = new SeasonalProfile(options);
    run(traffic(2 * WEEK, seed), early);
    expect(early.toState().coarse?.span).toBe(0);
  });

  it("finds a weekday shaped like a weekend day (a holiday), which judged against the average day it does not", () => {
    const holiday = 6 * 7 + 2;
    const values = traffic(7 * WEEK, seed, 150, holiday);
    const verdicts = run(values, new SeasonalProfile(options));
    expect(graded(verdicts, holiday * DAY, (holiday + 1) * DAY).length).toBeGreaterThan(0);
    expect(graded(verdicts, 4 * WEEK).filter((t) => t < holiday * DAY || t >= (holiday + 1) * DAY)).toEqual([]);
    const daily = run(values, new SeasonalProfile({ ...options, multiples: false }));
    expect(graded(daily, holiday * DAY, (holiday + 1) * DAY)).toEqual([]);
  });

  it("keeps the week's phase through gaps in the data (about one step in 16 missing, in runs of up to an hour)", () => {
    const holiday = 6 * 7 + 2;
    const values = traffic(7 * WEEK, seed, 150, holiday);
    const rng = new Random(seed + 100);
    const p = new SeasonalProfile(options);
    const graded: number[] = [];
    for (let t = 0; t < values.length; t++) {
      if (rng.next() < 0.01) {
        // A gap of 1 to 12 steps: the cycle and its bins move on with time.
        const gap = 1 + Math.floor(rng.next() * 12);
        for (let g = 0; g < gap && t < values.length; g++, t++) p.skip();
      }
      if (t < values.length && p.process(values[t]).grade > 0) graded.push(t);
    }
    expect(Math.abs((p.toState().coarse?.span ?? 0) - 7 * BINS_PER_CYCLE)).toBeLessThanOrEqual(2);
    expect(graded.filter((t) => t >= holiday * DAY && t < (holiday + 1) * DAY).length).toBeGreaterThan(0);
    expect(graded.filter((t) => t >= 4 * WEEK && (t < holiday * DAY || t >= (holiday + 1) * DAY))).toEqual([]);
  });

  it("at 10-minute steps too (a day of 144 steps, whose week of 1,008 the view cannot hold), finds a holiday the average day hides", () => {
    const day = 144;
    const holiday = 6 * 7 + 2;
    const values = traffic(7 * 7 * day, seed, 150, holiday, day);
    const p = new SeasonalProfile(options);
    const verdicts = run(values, p);
    expect(Math.abs((p.toState().coarse?.span ?? 0) - 7 * BINS_PER_CYCLE)).toBeLessThanOrEqual(2);
    expect(graded(verdicts, holiday * day, (holiday + 1) * day).length).toBeGreaterThan(0);
    expect(graded(verdicts, 4 * 7 * day).filter((t) => t < holiday * day || t >= (holiday + 1) * day)).toEqual([]);
    const daily = run(values, new SeasonalProfile({ ...options, multiples: false }));
    expect(graded(daily, holiday * day, (holiday + 1) * day)).toEqual([]);
  });

  it("leaves a plain daily cycle (weekends like weekdays) without a week", () => {
    const p = new SeasonalProfile(options);
    run(traffic(6 * WEEK, seed, 400), p);
    expect(p.toState().coarse?.span).toBe(0);
  });

  it("learns the week away when the weekends become like weekdays", () => {
    const p = new SeasonalProfile(options);
    run(traffic(6 * WEEK, seed), p);
    expect(p.toState().coarse?.span).toBeGreaterThan(0);
    const verdicts = run(traffic(6 * WEEK, seed + 10, 400), p);
    // Learnt as the week's offsets are, about a fifth of the way a week: the first busy weekend is 250 below what is
    // expected at noon, the sixth within a fifth of its 500; a weekday's noon stays within a fifth too. Only the
    // first busy weekend is graded.
    expect(verdicts[noon(5)].expected).toBeLessThan(300);
    for (const day of [5 * 7 + 5, 5 * 7 + 6, 5 * 7 + 2]) expect(Math.abs((verdicts[noon(day)].expected ?? 0) - 500)).toBeLessThan(100);
    expect(graded(verdicts, WEEK)).toEqual([]);
  });

  it("continues mid-week through the binary codec as it would have without the stop", () => {
    const values = traffic(6 * WEEK, seed);
    const split = 5 * WEEK + 3 * DAY + 77;
    const whole = new SeasonalProfile(options);
    const expected = run(values, whole);
    const first = new SeasonalProfile(options);
    run(values.slice(0, split), first);
    const state = unpackState(packState(first.toState())) as unknown as SeasonalProfileState;
    expect(state.coarse?.span).toBeGreaterThan(0);
    const restored = SeasonalProfile.fromState(options, state);
    expect(run(values.slice(split), restored)).toEqual(expected.slice(split));
    expect(restored.toState()).toEqual(whole.toState());
  });
});

describe("a week held in bins: its saved state", () => {
  const locked = (() => {
    const p = new SeasonalProfile(options);
    run(traffic(5 * WEEK, 1), p);
    return p.toState();
  })();
  const coarse = locked.coarse as CoarseMultipleState;

  it("is kept only for a cycle whose multiples do not fit the view (a day at hourly steps takes the week itself)", () => {
    expect(coarse.span).toBeGreaterThan(0);
    const hourly = new SeasonalProfile(options);
    const values = traffic(5 * WEEK, 1).filter((_, t) => t % 12 === 0);
    run(values.slice(0, 2 * 168), hourly);
    expect(hourly.currentPeriod()).toBe(24);
    expect(hourly.toState().coarse).toBeUndefined();
    run(values.slice(2 * 168), hourly);
    expect(hourly.currentPeriod()).toBe(168);
    expect(hourly.toState().coarse).toBeUndefined();
  });

  it("starts from the values held when a state saved before it existed is restored", () => {
    const { coarse: _dropped, ...older } = locked;
    const p = SeasonalProfile.fromState(options, older);
    const s = p.toState().coarse;
    expect(s?.span).toBe(0);
    // The 1,536 values held make 255 or 256 half-hour bins (5.3 days), less the one still open.
    expect(s?.bins.length).toBeGreaterThanOrEqual(Math.floor((locked.recent.length * BINS_PER_CYCLE) / locked.period) - 1);
    expect(s?.bins.length).toBeLessThanOrEqual(Math.ceil((locked.recent.length * BINS_PER_CYCLE) / locked.period));
  });

  it("refuses a state that does not fit, naming the field", () => {
    const bad = (c: Partial<CoarseMultipleState>, o: SeasonalProfileOptions = options) => () => SeasonalProfile.fromState(o, { ...locked, coarse: { ...coarse, ...c } });
    expect(bad({ cycle: locked.period + 1 })).toThrow(/coarse\.cycle must be the locked period/);
    expect(bad({ span: 5 })).toThrow(/coarse\.span and candidate must be 0 or 94 to 338 bins/);
    expect(bad({ offsets: new Float64Array(3) })).toThrow(/coarse\.offsets must hold one finite value per bin/);
    expect(bad({ bins: new Float32Array(2000) })).toThrow(/coarse\.bins must hold at most/);
    expect(bad({ openSum: Number.NaN })).toThrow(/coarse\.openSum and residualSum must be finite/);
    expect(bad({ open: -1 })).toThrow(/coarse\.open, openCount/);
    expect(bad({}, { ...options, multiples: false })).toThrow(/coarse is only kept with options\.multiples on/);
    expect(() => new CoarseMultiple(24, 0)).toThrow(/needs a cycle of at least 48 steps, got 24/);
  });
});

describe("a coarse multiple started from a long cycle's bins (CoarseMultiple.withMultiple)", () => {
  it("takes on the open bin's values so far, so that bin's mean covers all of its steps", () => {
    // A day of 48 bins of 30 steps (1-minute steps), three days held, locked with the two-day multiple.
    const bins = Float64Array.from({ length: 3 * 48 }, (_, i) => 100 + 50 * Math.sin((2 * Math.PI * i) / 48));
    const open = { bin: 3 * 48, sum: 2 * 140, count: 2 };
    const c = CoarseMultiple.withMultiple(48 * 30, 48, bins, open, 96);
    expect(c.toState()).toMatchObject({ open: 3 * 48, openSum: 280, openCount: 2 });
    // The bin's third step joins the two the long cycle had; the next bin closes it with the mean of all three.
    c.add(3 * 48 * 30 + 2, 110, null);
    expect(c.toState()).toMatchObject({ openSum: 390, openCount: 3 });
    c.add(3 * 48 * 30 + 30, 0, null);
    expect(c.toState().bins.at(-1)).toBeCloseTo(130, 4);
  });
});
