import type { ScoreResult, Scorer } from "../ports";
import type { RandomCutForest } from "./randomCutForest";

/** The embedded scorer: the local Random Cut Forest behind the Scorer port, with attribution. */
export class ForestScorer implements Scorer {
  constructor(private readonly forest: RandomCutForest) {}

  async score(vectors: readonly (readonly number[])[]): Promise<ScoreResult[]> {
    return vectors.map((v) => this.forest.scoreWithAttribution(v as number[]));
  }
}
