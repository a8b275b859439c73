import type { Log, RunMetrics } from "../ports";

/**
 * The log and metrics a Lambda wires into its adapters once per cold start, forwarding to the current
 * invocation's own (set by {@link CurrentRun.begin}), so every run logs with its correlation id and flushes its
 * own metrics. Before the first run they drop what they are given.
 */
export class CurrentRun {
  private runLog: Log | undefined;
  private runMetrics: RunMetrics | undefined;

  readonly log: Log = {
    debug: (m, f) => this.runLog?.debug(m, f),
    info: (m, f) => this.runLog?.info(m, f),
    warn: (m, f) => this.runLog?.warn(m, f),
    error: (m, f) => this.runLog?.error(m, f),
  };

  readonly metrics: RunMetrics = {
    record: (n, v) => this.runMetrics?.record(n, v),
    recordServiceGauge: (s, n, v) => this.runMetrics?.recordServiceGauge(s, n, v),
    flush: () => this.runMetrics?.flush(),
  };

  /** From now on, forward to this invocation's log and metrics. */
  begin(run: { readonly log: Log; readonly metrics: RunMetrics }): void {
    this.runLog = run.log;
    this.runMetrics = run.metrics;
  }
}
