import { writeFileSync } from "node:fs";
import { Random } from "../runtime/model/random";

/** A stream of inputs, one row of `inputs` values per step, row-major. */
export interface BenchStream {
  readonly inputs: number;
  readonly steps: number;
  readonly values: Float64Array;
}

/** Row `t` of `stream` (a view, no copy). */
export function row(stream: BenchStream, t: number): Float64Array {
  return stream.values.subarray(t * stream.inputs, (t + 1) * stream.inputs);
}

/**
 * The reference RCF's benchmark stream (its NormalMixtureTestData): a Markov chain between a base state (each
 * input ~ N(0, 1)) and an anomalous one (~ N(4, 2)), entering the anomaly with probability 0.01 and leaving it
 * with 0.3 per step.
 */
export function normalMixture(inputs: number, steps: number, seed: number): BenchStream {
  const rng = new Random(seed);
  const values = new Float64Array(inputs * steps);
  let anomalous = false;
  for (let t = 0; t < steps; t++) {
    anomalous = anomalous ? rng.next() >= 0.3 : rng.next() < 0.01;
    for (let d = 0; d < inputs; d++) values[t * inputs + d] = anomalous ? 4 + 2 * rng.normal() : rng.normal();
  }
  return { inputs, steps, values };
}

/**
 * A container-metrics-like stream at 5-minute steps: every metric follows a daily cycle (288 steps) with its
 * own level, amplitude and phase, plus noise, with a spike on one metric every ~700 steps and a lasting level
 * shift of all metrics two thirds of the way through. With `inputs` 1 it is a single NAB-like series.
 */
export function serviceMetrics(inputs: number, steps: number, seed: number): BenchStream {
  const rng = new Random(seed);
  const values = new Float64Array(inputs * steps);
  const level = Array.from({ length: inputs }, () => 20 + 80 * rng.next());
  const amplitude = level.map((l) => l * (0.1 + 0.4 * rng.next()));
  const phase = level.map(() => 2 * Math.PI * rng.next());
  const shiftAt = Math.floor((2 * steps) / 3);
  for (let t = 0; t < steps; t++) {
    const spike = rng.next() < 1 / 700 ? rng.int(inputs) : -1;
    for (let d = 0; d < inputs; d++) {
      let v = level[d] + amplitude[d] * Math.sin((2 * Math.PI * t) / 288 + phase[d]) + 0.05 * level[d] * rng.normal();
      if (t >= shiftAt) v += 0.3 * level[d];
      if (d === spike) v += 5 * amplitude[d];
      values[t * inputs + d] = v;
    }
  }
  return { inputs, steps, values };
}

/**
 * The shingled points of `stream` (point k = rows k … k + shingle − 1, oldest first), as the reference RCF's
 * internal shingling forms them: steps − shingle + 1 points of inputs · shingle values.
 */
export function shingled(stream: BenchStream, shingle: number): Float64Array[] {
  const dim = stream.inputs * shingle;
  const out: Float64Array[] = [];
  for (let k = 0; k + shingle <= stream.steps; k++) out.push(stream.values.slice(k * stream.inputs, k * stream.inputs + dim));
  return out;
}

/** Writes `stream` as little-endian float64 values, row-major: the Java reference's input file. */
export function writeStream(stream: BenchStream, file: string): void {
  const buf = Buffer.alloc(stream.values.length * 8);
  for (let i = 0; i < stream.values.length; i++) buf.writeDoubleLE(stream.values[i], i * 8);
  writeFileSync(file, buf);
}
