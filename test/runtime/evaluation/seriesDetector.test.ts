import { describe, expect, it } from "vitest";
import { detectSeries } from "../../../runtime/evaluation/seriesDetector";
import { Random } from "../../../runtime/model/random";

function series(): number[][] {
  const rng = new Random(3);
  const rows = Array.from({ length: 1200 }, (_, i) => [20 + 5 * Math.sin(i / 30) + 0.3 * rng.normal()]);
  rows[900][0] += 12;
  return rows;
}

describe("detectSeries", () => {
  it.each(["streaming", "batch"] as const)("%s: one score in [0, 1] per row, the spike graded highest", (mode) => {
    const scores = detectSeries(series(), { mode, seed: 1 });
    expect(scores).toHaveLength(1200);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    const best = scores.indexOf(Math.max(...scores.slice(200)), 200);
    expect(best).toBeGreaterThanOrEqual(900);
    expect(best).toBeLessThan(900 + 16);
    // Repeats of the alert are suppressed: at most a few alerts in the 100 rows after the spike.
    expect(scores.slice(best + 1, best + 100).filter((s) => s > 0).length).toBeLessThanOrEqual(2);
  });

  it("is deterministic for a seed", () => {
    expect(detectSeries(series(), { mode: "streaming", seed: 5 })).toEqual(detectSeries(series(), { mode: "streaming", seed: 5 }));
  });
});
