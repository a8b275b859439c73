import { alignSamples } from "../../runtime/features/alignSamples";
import type { FeatureSet } from "../../runtime/features/featureSet";
import type { Normalisation } from "../../runtime/features/normalisation";
import { toVectors } from "../../runtime/features/toVectors";
import type { MetricSource, ScoreResult, Scorer, TimeRange } from "../../runtime/ports";
import type { MetricSample } from "../../runtime/types";

/** One score the detect handler obtained: which container at which step, and the score. */
export interface ScoredStep {
  readonly service: string;
  readonly container: string;
  /** Step start, epoch ms. */
  readonly timestamp: number;
  readonly score: number;
}

/**
 * Records every score the detect handler obtains during a local run, for the report, without changing the
 * handler: it wraps the MetricSource and the Scorer the handler is given. The handler fetches a service's
 * window, then scores the vectors `toVectors` makes from it; the recorder rebuilds those vectors from the
 * fetched window with the same pure functions and checks they are the very vectors scored (same count, same
 * numbers) before pairing each score with its container and step. A mismatch throws rather than mislabel.
 */
export class ScoreRecorder {
  readonly scores: ScoredStep[] = [];
  private lastFetch: { range: TimeRange; samples: MetricSample[] } | undefined;

  constructor(
    private readonly fs: FeatureSet,
    private readonly normalisation: Normalisation,
  ) {}

  /** The source to give the handler. */
  source(inner: MetricSource): MetricSource {
    return {
      name: inner.name,
      fetch: async (service, range) => {
        const samples = await inner.fetch(service, range);
        this.lastFetch = { range, samples };
        return samples;
      },
    };
  }

  /** The scorer to give the handler. */
  scorer(inner: Scorer): Scorer {
    return {
      score: async (vectors) => {
        const results = await inner.score(vectors);
        this.record(vectors, results);
        return results;
      },
    };
  }

  private record(vectors: readonly (readonly number[])[], results: readonly ScoreResult[]): void {
    const fetched = this.lastFetch;
    this.lastFetch = undefined;
    if (!fetched) throw new Error("ScoreRecorder: vectors were scored without a preceding fetch");
    const stepMs = this.fs.stepSeconds * 1000;
    // The handler fetches shingle and fill context before the first step it scores (see makeDetectHandler).
    const emitFrom = fetched.range.from + (this.fs.shingleSize - 1 + this.fs.maxFillSteps) * stepMs;
    // As the handler does: samples with a non-finite value or time are left out before aligning.
    const samples = fetched.samples.filter((x) => Number.isFinite(x.value) && Number.isFinite(x.timestamp));
    const { rows } = alignSamples(samples, this.fs, fetched.range);
    const rebuilt = toVectors(rows, this.fs, this.normalisation, emitFrom);
    if (rebuilt.length !== vectors.length || rebuilt.some((v, i) => v.vector.some((x, j) => x !== vectors[i][j]))) {
      throw new Error(`ScoreRecorder: the ${vectors.length} scored vectors are not the ${rebuilt.length} rebuilt from the fetched window; the handler's windowing changed`);
    }
    rebuilt.forEach((v, i) => this.scores.push({ service: v.row.service, container: v.row.container, timestamp: v.row.timestamp, score: results[i].score }));
  }
}
