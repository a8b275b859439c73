/**
 * Normal-only synthetic series of shapes the development sets hold little of: every alert on them is false. The
 * probe (bench/noiseShapesMain.ts) counts alerts per 1,000 steps after NAB's probationary 15 % for the shipped
 * detector and, in the same run, for OpenSearch's detector (the Java reference): a check on generalisation that
 * needs no labels. Each series is seeded, so a shape and replica always give the same values.
 */
import { Random } from "../runtime/model/random";

const DAY_MS = 86_400_000;
const FIVE_MINUTES = 300_000;

/** One shape: its step between rows, what it is, and a generator of its values (a fresh one per series). */
export interface NoiseShape {
  readonly name: string;
  readonly stepMs: number;
  readonly description: string;
  /** A new series' generator: the value at row `i`, time `t` (ms since the epoch), drawing from `rng`. */
  readonly make: () => (rng: Random, i: number, t: number) => number;
}

/** Knuth's method below a mean of 30, a rounded normal above (close enough for a count's noise). */
export function poisson(rng: Random, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > limit);
  return k - 1;
}

/** A daily sine from `mean - amplitude` to `mean + amplitude`, peaking at 06:00 UTC. */
const daily = (t: number, mean: number, amplitude: number): number => mean + amplitude * Math.sin((2 * Math.PI * t) / DAY_MS);

/** Student's t with 3 degrees of freedom: heavy tails (about 1 value in 500 beyond 8 units). */
function studentT3(rng: Random): number {
  const z = rng.normal();
  const chi = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
  return z / Math.sqrt(chi / 3);
}

export const NOISE_SHAPES: readonly NoiseShape[] = [
  { name: "gaussFlat", stepMs: FIVE_MINUTES, description: "white noise: 50 + 3·N(0, 1)", make: () => (r) => 50 + 3 * r.normal() },
  { name: "gaussDaily", stepMs: FIVE_MINUTES, description: "a daily cycle 50–150 plus 10·N(0, 1)", make: () => (r, _i, t) => daily(t, 100, 50) + 10 * r.normal() },
  { name: "heteroDaily", stepMs: FIVE_MINUTES, description: "a daily cycle 50–150, noise 30 % of the level", make: () => (r, _i, t) => daily(t, 100, 50) * (1 + 0.3 * r.normal()) },
  { name: "lognormFlat", stepMs: FIVE_MINUTES, description: "multiplicative noise: 100·exp(0.3·N(0, 1))", make: () => (r) => 100 * Math.exp(0.3 * r.normal()) },
  { name: "lognormDaily", stepMs: FIVE_MINUTES, description: "a daily cycle 50–150 times exp(0.3·N(0, 1))", make: () => (r, _i, t) => daily(t, 100, 50) * Math.exp(0.3 * r.normal()) },
  { name: "countsDaily", stepMs: FIVE_MINUTES, description: "overdispersed counts: Poisson of a daily 5–55 times exp(0.4·N(0, 1))", make: () => (r, _i, t) => poisson(r, daily(t, 30, 25) * Math.exp(0.4 * r.normal())) },
  { name: "poissonLow", stepMs: FIVE_MINUTES, description: "low counts: Poisson(2)", make: () => (r) => poisson(r, 2) },
  { name: "studentT3", stepMs: FIVE_MINUTES, description: "heavy-tailed noise: 50 + 3·t(3)", make: () => (r) => 50 + 3 * studentT3(r) },
  { name: "quantised", stepMs: FIVE_MINUTES, description: "three values: 0.066 (70 %), 0.134 (28 %), 0.2 (2 %)", make: () => (r) => { const u = r.next(); return u < 0.7 ? 0.066 : u < 0.98 ? 0.134 : 0.2; } },
  {
    name: "arWalk",
    stepMs: 12 * FIVE_MINUTES,
    description: "hourly, a wandering level: 100·exp(x), x an AR(1) of 0.95 with noise 0.1",
    make: () => {
      let x = 0;
      return (r) => {
        x = 0.95 * x + 0.1 * r.normal();
        return 100 * Math.exp(x);
      };
    },
  },
  {
    name: "weeklyHalfHour",
    stepMs: 6 * FIVE_MINUTES,
    description: "half-hourly traffic: a day's hump, weekends at 60 %, 5 % noise",
    make: () => (r, _i, t) => {
      const d = new Date(t);
      const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
      const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
      return 10_000 * (weekend ? 0.6 : 1) * (0.3 + 0.7 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 16))) * (1 + 0.05 * r.normal());
    },
  },
];

/** The first row's time: 2014-04-01 00:00 UTC, a Tuesday (NAB's artificial files start there too). */
export const NOISE_START_MS = Date.UTC(2014, 3, 1);

/** One generated series: `rows` values of `shape`, replica `replica` (1-based; each replica its own seeded stream). */
export function noiseSeries(shape: NoiseShape, replica: number, rows: number): { timestamps: number[]; values: number[] } {
  if (!Number.isInteger(replica) || replica < 1) throw new Error(`replica must be a whole number of at least 1, got ${replica}`);
  if (!Number.isInteger(rows) || rows < 2) throw new Error(`rows must be a whole number of at least 2, got ${rows}`);
  const rng = new Random(7000 + 31 * replica);
  const next = shape.make();
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const t = NOISE_START_MS + i * shape.stepMs;
    timestamps.push(t);
    values.push(next(rng, i, t));
  }
  return { timestamps, values };
}

/** NAB's probationary period: the first 15 % of a series' rows, where a detector's output is not scored. */
export const probationRows = (rows: number): number => Math.floor(0.15 * rows);

/** Alerts after the probationary period, and the steps they are counted over. */
export function alertsAfterProbation(alerts: readonly boolean[]): { alerts: number; steps: number } {
  const start = probationRows(alerts.length);
  let n = 0;
  for (let i = start; i < alerts.length; i++) if (alerts[i]) n++;
  return { alerts: n, steps: alerts.length - start };
}
