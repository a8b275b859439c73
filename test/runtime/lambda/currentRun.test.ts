import { describe, expect, it } from "vitest";
import type { Log, RunMetrics } from "../../../runtime/ports";
import { CurrentRun } from "../../../runtime/lambda/currentRun";

function recorder(name: string, seen: string[]): { log: Log; metrics: RunMetrics } {
  const say = (level: string) => (m: string) => void seen.push(`${name} ${level} ${m}`);
  return {
    log: { debug: say("debug"), info: say("info"), warn: say("warn"), error: say("error") },
    metrics: {
      record: (n, v) => void seen.push(`${name} record ${n}=${v}`),
      recordServiceGauge: (s, n, v) => void seen.push(`${name} gauge ${s}.${n}=${v}`),
      flush: () => void seen.push(`${name} flush`),
    },
  };
}

describe("CurrentRun", () => {
  it("drops what arrives before the first run, then forwards to the run begun last", () => {
    const seen: string[] = [];
    const current = new CurrentRun();
    const { log, metrics } = current; // wired once, as the Lambdas do
    log.info("cold start");
    metrics.record("rowsProcessed", 1);
    current.begin(recorder("run1", seen));
    log.warn("late data");
    metrics.recordServiceGauge("checkout", "ScoreMax", 2);
    current.begin(recorder("run2", seen));
    log.error("failed");
    log.debug("detail");
    metrics.record("anomalies", 3);
    metrics.flush();
    expect(seen).toEqual(["run1 warn late data", "run1 gauge checkout.ScoreMax=2", "run2 error failed", "run2 debug detail", "run2 record anomalies=3", "run2 flush"]);
  });
});
