import type { HoldMode } from "./thresholdedForestOptions";

/** An anomalous run saved between steps: its length so far (up to the limit) and the threshold in force when it began. */
export interface StatisticsHoldState {
  readonly held: number;
  readonly heldThreshold: number;
}

/**
 * Held statistics (options.holdStatistics): from the `from`-th to the `limit`-th of consecutive steps with an
 * anomalous series, the anomalous scores are kept out of the threshold's statistics ("skip") or enter clipped at
 * the threshold in force when the run began ("clip"), so a long incident does not raise the bar it is judged by,
 * while a short blip's scores (before `from`) still enter as usual. After `limit` anomalous steps in a row the
 * scores enter as usual again (a lasting change of regime is learnt); a step without an anomalous series ends the run.
 */
export class StatisticsHold {
  private held: number;
  private heldThreshold: number;

  constructor(
    private readonly limit: number,
    private readonly mode: HoldMode,
    private readonly from: number,
    restored?: StatisticsHoldState,
  ) {
    this.held = restored?.held ?? 0;
    this.heldThreshold = restored?.heldThreshold ?? Infinity;
  }

  /**
   * The scores of one step as the statistics should learn them: `threshold` is the one the step was judged by,
   * `anomalous[i]` whether series i was graded anomalous; unscored series (undefined) are left out. With `active`
   * false (statistics past the age the hold applies to) nothing is held and a run in progress ends.
   */
  scoresToLearn(scores: readonly (number | undefined)[], anomalous: readonly boolean[], threshold: number, active = true): number[] {
    const any = active && anomalous.some((a) => a);
    const within = any && this.held < this.limit;
    if (!any) {
      this.held = 0;
      this.heldThreshold = Infinity;
    } else if (within) {
      if (this.held === 0) this.heldThreshold = threshold;
      this.held++;
    }
    const hold = within && this.held >= this.from;
    const out: number[] = [];
    scores.forEach((score, i) => {
      if (score === undefined) return;
      if (!(hold && anomalous[i])) out.push(score);
      else if (this.mode === "clip") out.push(Math.min(score, this.heldThreshold));
    });
    return out;
  }

  /** The run in progress, or null when none is. */
  toState(): StatisticsHoldState | null {
    return this.held > 0 ? { held: this.held, heldThreshold: this.heldThreshold } : null;
  }

  /** Checks a saved run (`held` absent: none), naming what is wrong. */
  static checkState(held: number | undefined, heldThreshold: number | undefined): StatisticsHoldState | undefined {
    if (held === undefined && heldThreshold === undefined) return undefined;
    const n = held ?? 0;
    if (!Number.isInteger(n) || n < 0) throw new Error(`detector state: held must be an integer >= 0, got ${String(held)}`);
    if ((n > 0) !== Number.isFinite(heldThreshold)) throw new Error(`detector state: held is ${n} but the held threshold is ${String(heldThreshold)}`);
    return n > 0 ? { held: n, heldThreshold: heldThreshold as number } : undefined;
  }
}
