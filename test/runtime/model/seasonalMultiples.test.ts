import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { SeasonalProfile, type SeasonalProfileOptions, type SeasonalProfileState } from "../../../runtime/model/seasonalProfile";
import { weeklyTraffic } from "../../helpers/weeklyTraffic";

/**
 * The seasonal view's multiples (`multiples`, the detector's `seasonalMultiples`): once a cycle is locked, a whole
 * multiple of it that explains at least half of what the cycle leaves takes its place (a week of a daily cycle).
 * Hourly steps: a day is 24 steps, a week 168.
 */
const options: SeasonalProfileOptions = { maxPeriod: 512, minPeriod: 24, checkEvery: 128, zFactor: 6, multiples: true };
const DAY = 24;
const WEEK = 7 * DAY;

/** Traffic-like hours (test/helpers/weeklyTraffic.ts): a daytime hump of `weekday` on weekdays and `weekend` at weekends and on day `holiday`. */
const hours = (n: number, seed: number, weekend = 150, holiday = -1, weekday = 400): number[] => weeklyTraffic(n, seed, DAY, weekend, holiday, weekday);

const run = (values: readonly number[], p: SeasonalProfile) => values.map((v) => p.process(v));
const graded = (verdicts: readonly { grade: number }[], from = 0, to = verdicts.length) => verdicts.slice(from, to).flatMap((v, i) => (v.grade > 0 ? [from + i] : []));

describe.each([1, 2, 3])("the seasonal view's multiples (seed %i)", (seed) => {
  it("moves a daily cycle with quieter weekends to its week, keeping the day's time scales", () => {
    const p = new SeasonalProfile(options);
    const verdicts = run(hours(8 * WEEK, seed), p);
    expect(p.currentPeriod()).toBe(WEEK);
    expect(p.toState().base).toBe(DAY);
    // The day first (3 days to see it, two checks 128 steps apart to confirm it), the week once 3 weeks are held and
    // two checks agree.
    expect(verdicts.findIndex((v) => v.expected !== null)).toBe(256);
    const early = new SeasonalProfile(options);
    run(hours(3 * WEEK, seed), early);
    expect(early.currentPeriod()).toBe(DAY);
    // Without multiples it stays a day.
    const day = new SeasonalProfile({ ...options, multiples: false });
    run(hours(8 * WEEK, seed), day);
    expect(day.currentPeriod()).toBe(DAY);
    expect(day.toState().base).toBeUndefined();
  });

  it("leaves a plain daily cycle (weekends like weekdays) at its day", () => {
    const p = new SeasonalProfile(options);
    run(hours(10 * WEEK, seed, 400), p);
    expect(p.currentPeriod()).toBe(DAY);
  });

  it("finds a weekday shaped like a weekend day (a holiday), which judged against the average day it does not", () => {
    const holiday = 7 * 7 + 2;
    const values = hours(9 * WEEK, seed, 150, holiday);
    const weekly = run(values, new SeasonalProfile(options));
    expect(graded(weekly, holiday * DAY, (holiday + 1) * DAY).length).toBeGreaterThan(0);
    // Nothing else in the weeks after the week was locked (from week 5).
    expect(graded(weekly, 5 * WEEK).every((i) => i >= holiday * DAY && i < (holiday + 1) * DAY)).toBe(true);
    expect(graded(run(values, new SeasonalProfile({ ...options, multiples: false })), holiday * DAY, (holiday + 1) * DAY)).toEqual([]);
  });

  it("round-trips a week's state through the binary codec and continues exactly", () => {
    const values = hours(9 * WEEK, seed, 150, 7 * 7 + 2);
    const a = new SeasonalProfile(options);
    run(values.slice(0, 6 * WEEK), a);
    expect(a.toState().base).toBe(DAY);
    const b = SeasonalProfile.fromState(options, unpackState(packState(a.toState())) as SeasonalProfileState);
    expect(run(values.slice(6 * WEEK), b)).toEqual(run(values.slice(6 * WEEK), a));
  });
});

describe("the seasonal view's multiples: states", () => {
  it("loads a state without a base (saved before multiples) as a cycle of its own, and refuses a base that does not divide the period", () => {
    const p = new SeasonalProfile(options);
    run(hours(6 * WEEK, 1), p);
    const { base, ...older } = p.toState();
    expect(base).toBe(DAY);
    // Saved without it, the week is its own cycle (the time scales a week's), and the view goes on from there.
    const restored = SeasonalProfile.fromState(options, older);
    expect(restored.currentPeriod()).toBe(WEEK);
    expect(restored.toState().base).toBeUndefined();
    expect(() => SeasonalProfile.fromState(options, { ...older, base: 25 })).toThrow("seasonal state: base must be 0 or a cycle of at least 24 steps that divides the period (168), got 25");
    expect(() => SeasonalProfile.fromState(options, { ...older, base: 168 })).toThrow(/divides the period/);
    expect(() => SeasonalProfile.fromState(options, { ...older, base: 12 })).toThrow(/at least 24 steps/);
  });
});
