import { describe, expect, it } from "vitest";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { LONG_BIN_STEPS, LongCycle, type LongCycleState } from "../../../runtime/model/longCycle";
import { Random } from "../../../runtime/model/random";
import { SeasonalProfile, type SeasonalProfileOptions, type SeasonalProfileState } from "../../../runtime/model/seasonalProfile";
import { weeklyTraffic } from "../../helpers/weeklyTraffic";

/**
 * A day at 1- or 2-minute steps (1,440 or 720 steps) is beyond the seasonal view's 512: its long-cycle finder looks
 * for it in half-hour bins (`LongCycle`), and locks it only together with a week that repeats far more alike.
 */
const options: SeasonalProfileOptions = { maxPeriod: 512, minPeriod: 24, checkEvery: 128, zFactor: 6, multiples: true };

/** The request rate of test/helpers/weeklyTraffic.ts over `days` days of `steps` steps. */
const traffic = (days: number, steps: number, seed: number, weekend = 150, holiday = -1): number[] => weeklyTraffic(days * steps, seed, steps, weekend, holiday);

const run = (values: readonly number[], p: SeasonalProfile) => values.map((v) => p.process(v));
const graded = (verdicts: readonly { grade: number }[], from = 0, to = verdicts.length) => verdicts.slice(from, to).flatMap((v, i) => (v.grade > 0 ? [from + i] : []));

describe.each([1, 2, 3])("a week of a day at 1-minute steps (seed %i)", (seed) => {
  const DAY = 1440;
  const noon = (day: number) => day * DAY + DAY / 2;

  it("locks the day with its week once three weeks of bins are held, and expects each day's own hump", () => {
    const p = new SeasonalProfile(options);
    const values = traffic(35, DAY, seed);
    const verdicts = run(values.slice(0, 20 * DAY), p);
    expect(p.currentPeriod()).toBe(0);
    verdicts.push(...run(values.slice(20 * DAY), p));
    expect(p.currentPeriod()).toBe(DAY);
    const s = p.toState();
    // Its bins are the finder's half hours: 48 a day, the default, which the state leaves out.
    expect(DAY / LONG_BIN_STEPS).toBe(48);
    expect(s.coarse?.binsPerCycle).toBeUndefined();
    expect(Math.abs((s.coarse?.span ?? 0) - 7 * 48)).toBeLessThanOrEqual(2);
    // Week 5: at noon a weekday's hump is 500, a weekend's 250; the profile expects each within a tenth.
    for (const day of [29, 31]) expect(Math.abs((verdicts[noon(day)].expected ?? 0) - 500)).toBeLessThan(50);
    for (const day of [33, 34]) expect(Math.abs((verdicts[noon(day)].expected ?? 0) - 250)).toBeLessThan(25);
    expect(graded(verdicts)).toEqual([]);
  });

  it("finds a holiday, which nothing sees without the week", () => {
    const holiday = 30;
    const values = traffic(33, DAY, seed, 150, holiday);
    const verdicts = run(values, new SeasonalProfile(options));
    expect(graded(verdicts, holiday * DAY, (holiday + 1) * DAY).length).toBeGreaterThan(0);
    expect(graded(verdicts).filter((t) => t < holiday * DAY || t >= (holiday + 1) * DAY)).toEqual([]);
    const without = run(values, new SeasonalProfile({ ...options, multiples: false }));
    expect(graded(without)).toEqual([]);
  });

  it("leaves a plain day alone: no week repeats more alike, so nothing is locked", () => {
    const p = new SeasonalProfile(options);
    run(traffic(28, DAY, seed, 400), p);
    expect(p.currentPeriod()).toBe(0);
  });

  it("lets the day go once the cycle has faded from its three weeks of bins, and finds it again", () => {
    const p = new SeasonalProfile(options);
    run(traffic(24, DAY, seed), p);
    expect(p.currentPeriod()).toBe(DAY);
    const rng = new Random(seed + 10);
    const noise = Array.from({ length: 21 * DAY }, () => 300 + 30 * rng.normal());
    run(noise.slice(0, 7 * DAY), p);
    expect(p.currentPeriod()).toBe(DAY);
    run(noise.slice(7 * DAY), p);
    expect(p.currentPeriod()).toBe(0);
    run(traffic(24, DAY, seed + 20), p);
    expect(p.currentPeriod()).toBe(DAY);
  });

  it("continues through the binary codec as it would have without the stop, before and after the lock", () => {
    const values = traffic(24, DAY, seed);
    const whole = new SeasonalProfile(options);
    const expected = run(values, whole);
    for (const split of [20 * DAY + 77, 23 * DAY + 5]) {
      const first = new SeasonalProfile(options);
      run(values.slice(0, split), first);
      const state = unpackState(packState(first.toState())) as unknown as SeasonalProfileState;
      const restored = SeasonalProfile.fromState(options, state);
      expect(run(values.slice(split), restored)).toEqual(expected.slice(split));
      expect(restored.toState()).toEqual(whole.toState());
    }
  });
});

describe("a week of a day at 2-minute steps", () => {
  it("locks a day of 720 steps cut into 24 bins", () => {
    const p = new SeasonalProfile(options);
    run(traffic(24, 720, 1), p);
    expect(p.currentPeriod()).toBe(720);
    expect(p.toState().coarse?.binsPerCycle).toBe(24);
    expect(Math.abs((p.toState().coarse?.span ?? 0) - 7 * 24)).toBeLessThanOrEqual(2);
  });
});

describe("the long-cycle finder: its saved state", () => {
  const DAY = 1440;
  const state = (days: number): SeasonalProfileState => {
    const p = new SeasonalProfile(options);
    run(traffic(days, DAY, 1), p);
    return p.toState();
  };
  const before = state(10);
  const locked = state(23);
  const long = before.long as LongCycleState;

  it("holds half-hour bins from the first step, and a state saved before it existed starts from the step it is at", () => {
    expect(long.bins.length).toBe(10 * 48 - 1);
    expect(long.open).toBe(10 * 48 - 1);
    const { long: _dropped, ...older } = before;
    const p = SeasonalProfile.fromState(options, older);
    expect(p.toState().long).toMatchObject({ bins: new Float32Array(0), open: 10 * 48, openCount: 0 });
    expect(SeasonalProfile.fromState({ ...options, multiples: false }, older).toState().long).toBeUndefined();
  });

  it("reports its open bin (handed to the week it locks), and a locked week holds the same open bin as the finder", () => {
    const l = new LongCycle(512, 0);
    for (let t = 0; t < 40; t++) l.add(t, t, false);
    expect(l.openPart()).toEqual({ bin: 1, sum: 30 * 10 + 45, count: 10 });
    const held = locked.long as LongCycleState;
    expect(locked.coarse).toMatchObject({ open: held.open, openCount: held.openCount });
    expect(locked.coarse?.openSum).toBeCloseTo(held.openSum, 6);
  });

  it("refuses a state that does not fit, naming the field", () => {
    const bad = (l: Partial<LongCycleState>, o: SeasonalProfileOptions = options) => () => SeasonalProfile.fromState(o, { ...before, long: { ...long, ...l } });
    expect(bad({ bins: new Float32Array(2000) })).toThrow(/long\.bins must hold at most/);
    expect(bad({ open: -1 })).toThrow(/long\.open, openCount, cycle, span and confirmations must be integers/);
    expect(bad({ openSum: Number.POSITIVE_INFINITY })).toThrow(/long\.openSum must be finite/);
    expect(bad({ cycle: 48, span: 20, confirmations: 1 })).toThrow(/long\.cycle must be 0 \(span 0, no confirmations\) or 18 to 50 bins/);
    expect(bad({ cycle: 0, span: 0, confirmations: 1 })).toThrow(/long\.cycle must be 0/);
    expect(bad({}, { ...options, multiples: false })).toThrow(/long is only kept with options\.multiples on/);
    expect(() => LongCycle.fromState(512, { ...long, cycle: 10, span: 70, confirmations: 1 })).toThrow(/18 to 50 bins/);
  });

  it("refuses a period beyond maxPeriod that is not a long cycle with its week in use", () => {
    expect(locked.period).toBe(DAY);
    const { coarse, ...withoutWeek } = locked;
    expect(() => SeasonalProfile.fromState(options, withoutWeek)).toThrow(/profile must hold one finite value per phase of the period \(1440, at most 512, or with options\.multiples a multiple of 30 up to 1500 with coarse offsets in use\)/);
    expect(() => SeasonalProfile.fromState(options, { ...locked, coarse: coarse && { ...coarse, span: 0, offsets: new Float64Array(0) } })).toThrow(/profile must hold/);
    expect(() => SeasonalProfile.fromState(options, { ...locked, period: 1441, profile: new Float64Array(1441) })).toThrow(/profile must hold/);
    const withBins = (binsPerCycle: number) => () => SeasonalProfile.fromState(options, { ...locked, coarse: coarse && { ...coarse, binsPerCycle } });
    expect(withBins(1)).toThrow(/coarse\.binsPerCycle must be an integer from 2 to the cycle \(1440\), got 1/);
    expect(withBins(24)).toThrow(/coarse\.bins must hold at most min\(open, 510\)/);
    expect(SeasonalProfile.fromState(options, locked).currentPeriod()).toBe(DAY);
  });
});
