import { join } from "node:path";
import { normalMixture, serviceMetrics, writeStream, type BenchStream } from "./benchData";
import { measureOurDetector, type DetectorFigures } from "./detectorBench";
import { measureOurForest, type ForestCase, type ForestFigures } from "./forestBench";
import type { JavaDetectorResult, JavaForestResult, JavaReference, JavaUnavailable } from "./javaReference";

export interface BenchOptions {
  /** Stream length of each forest case. */
  readonly points: number;
  /** Stream length of each detector case. */
  readonly steps: number;
  readonly rounds: number;
  /** Forest dimensions to run (5 inputs shingled dims / 5). */
  readonly dims: readonly number[];
  /** Forest size (50 trees × 256 samples in `npm run bench`). */
  readonly trees: number;
  readonly sampleSize: number;
}

/** One forest configuration, both engines (Java fields null when it did not run; `javaUnavailable` says why). */
export interface ForestLine {
  readonly name: "forest";
  readonly dims: number;
  readonly trees: number;
  readonly sampleSize: number;
  readonly oursScoreUpdatePerSec: number;
  readonly javaScoreUpdatePerSec: number | null;
  /** ours / Java score+update. */
  readonly ratio: number | null;
  /** Our forest's typed arrays (StreamingForest.memoryBytes). */
  readonly oursBytes: number;
  /** Heap the Java forest retains. */
  readonly javaBytes: number | null;
  /** Process memory our forest retains (heap + array buffers after full collections); null without --expose-gc. */
  readonly oursProcessBytes: number | null;
  readonly inputs: number;
  readonly shingle: number;
  readonly points: number;
  readonly rounds: number;
  readonly oursScorePerSec: number;
  readonly oursUpdatePerSec: number;
  readonly javaScorePerSec: number | null;
  readonly javaUpdatePerSec: number | null;
  readonly javaUnavailable?: string;
}

/** The whole detector on one stream, both engines. */
export interface DetectorLine {
  readonly name: "detector";
  readonly series: "univariate" | "multivariate";
  readonly inputs: number;
  readonly steps: number;
  readonly rounds: number;
  readonly oursPointsPerSec: number;
  /** ThresholdedRandomCutForest with OpenSearch AD's single-stream settings (bounding-box cache fraction 0). */
  readonly javaPointsPerSec: number | null;
  readonly ratio: number | null;
  /** Process memory our detector retains; null without --expose-gc. */
  readonly oursBytes: number | null;
  readonly javaBytes: number | null;
  /** The same Java detector with the bounding-box cache fraction at 1 (same output, faster): for reference. */
  readonly javaCachedPointsPerSec: number | null;
  readonly ratioCached: number | null;
  readonly javaUnavailable?: string;
}

export type BenchLine = ForestLine | DetectorLine;

const INPUTS = 5;
const SEED = 7;

function best(values: readonly number[]): number {
  return Math.max(...values);
}

/** The median of the measured values (memory read after collections still varies by a collection's leftovers). */
function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return known.length ? known[(known.length - 1) >> 1] : null;
}

function ratio(ours: number, java: number | null): number | null {
  return java === null ? null : Math.round((ours / java) * 100) / 100;
}

/**
 * Runs every case, `rounds` times each with the engines alternating, and yields one line per case as it
 * completes. Each engine's rate is the fastest of its rounds (the least disturbed on a shared machine); memory
 * the median. Data files for Java go to `dir`.
 */
export async function* runBench(o: BenchOptions, java: JavaReference | JavaUnavailable, dir: string, progress?: (what: string) => void): AsyncGenerator<BenchLine> {
  for (const dims of o.dims) {
    const shingle = dims / INPUTS;
    const c: ForestCase = { inputs: INPUTS, shingle, trees: o.trees, sampleSize: o.sampleSize, warmup: Math.floor(o.points / 4), seed: SEED };
    const stream = normalMixture(INPUTS, o.points + shingle - 1, SEED);
    const file = join(dir, `forest-${dims}.bin`);
    writeStream(stream, file);
    const ours: ForestFigures[] = [];
    const theirs: JavaForestResult[] = [];
    for (let r = 0; r < o.rounds; r++) {
      progress?.(`forest ${dims} dims, round ${r + 1} of ${o.rounds}: ours`);
      ours.push(measureOurForest(stream, c));
      if (!java.available) continue;
      progress?.(`forest ${dims} dims, round ${r + 1} of ${o.rounds}: Java`);
      theirs.push(await java.forest(file, c));
    }
    const javaRate = theirs.length ? best(theirs.map((x) => x.scoreUpdatePerSec)) : null;
    const oursRate = best(ours.map((x) => x.scoreUpdatePerSec));
    yield {
      name: "forest",
      dims,
      trees: o.trees,
      sampleSize: o.sampleSize,
      oursScoreUpdatePerSec: oursRate,
      javaScoreUpdatePerSec: javaRate,
      ratio: ratio(oursRate, javaRate),
      oursBytes: ours[0].bytes,
      javaBytes: median(theirs.map((x) => x.bytes)),
      oursProcessBytes: median(ours.map((x) => x.processBytes)),
      inputs: INPUTS,
      shingle,
      points: stream.steps - shingle + 1,
      rounds: o.rounds,
      oursScorePerSec: best(ours.map((x) => x.scorePerSec)),
      oursUpdatePerSec: best(ours.map((x) => x.updatePerSec)),
      javaScorePerSec: theirs.length ? best(theirs.map((x) => x.scorePerSec)) : null,
      javaUpdatePerSec: theirs.length ? best(theirs.map((x) => x.updatePerSec)) : null,
      ...(java.available ? {} : { javaUnavailable: java.reason }),
    };
  }
  for (const [series, inputs] of [["univariate", 1], ["multivariate", INPUTS]] as const) {
    const stream: BenchStream = serviceMetrics(inputs, o.steps, SEED);
    const file = join(dir, `detector-${series}.bin`);
    writeStream(stream, file);
    const warmup = Math.floor(o.steps / 4);
    const ours: DetectorFigures[] = [];
    const theirs: JavaDetectorResult[] = [];
    const cached: JavaDetectorResult[] = [];
    for (let r = 0; r < o.rounds; r++) {
      progress?.(`detector, ${series}, round ${r + 1} of ${o.rounds}: ours`);
      ours.push(measureOurDetector(stream, { warmup, seed: SEED }));
      if (!java.available) continue;
      progress?.(`detector, ${series}, round ${r + 1} of ${o.rounds}: Java`);
      theirs.push(await java.detector(file, { inputs, warmup, seed: SEED, cache: 0 }));
      progress?.(`detector, ${series}, round ${r + 1} of ${o.rounds}: Java, box cache 1`);
      cached.push(await java.detector(file, { inputs, warmup, seed: SEED, cache: 1 }));
    }
    const oursRate = best(ours.map((x) => x.pointsPerSec));
    const javaRate = theirs.length ? best(theirs.map((x) => x.pointsPerSec)) : null;
    const cachedRate = cached.length ? best(cached.map((x) => x.pointsPerSec)) : null;
    yield {
      name: "detector",
      series,
      inputs,
      steps: o.steps,
      rounds: o.rounds,
      oursPointsPerSec: oursRate,
      javaPointsPerSec: javaRate,
      ratio: ratio(oursRate, javaRate),
      oursBytes: median(ours.map((x) => x.bytes)),
      javaBytes: median(theirs.map((x) => x.bytes)),
      javaCachedPointsPerSec: cachedRate,
      ratioCached: ratio(oursRate, cachedRate),
      ...(java.available ? {} : { javaUnavailable: java.reason }),
    };
  }
}
