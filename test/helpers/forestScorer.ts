import type { ScoreResult, Scorer } from "../../runtime/ports";
import type { RandomCutForest } from "../../runtime/model/randomCutForest";

export interface ForestScorerOptions {
  /**
   * Compute the per-dimension attribution only for scores above this value (normally the model's threshold):
   * explaining costs several times a plain score, and only anomalies are ever explained. Default: explain all.
   */
  readonly explainAbove?: number;
}

/** A stand-in for a SageMaker endpoint in tests: a batch Random Cut Forest behind the Scorer port (with attribution). */
export class ForestScorer implements Scorer {
  constructor(
    private readonly forest: RandomCutForest,
    private readonly options: ForestScorerOptions = {},
  ) {}

  async score(vectors: readonly (readonly number[])[]): Promise<ScoreResult[]> {
    const explainAbove = this.options.explainAbove ?? -Infinity;
    return vectors.map((v) => {
      const score = this.forest.score(v);
      return score > explainAbove ? this.forest.scoreWithAttribution(v) : { score };
    });
  }
}
