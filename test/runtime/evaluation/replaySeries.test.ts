import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { replaySeries } from "../../../runtime/evaluation/replaySeries";
import { Random } from "../../../runtime/model/random";

const STEP = 5 * 60_000;
const PERIOD = 96;

/** A noisy cycle of 96 five-minute steps, `n` steps long, with the steps for which `missing` holds left out. */
function cycle(n: number, seed: number, missing: (t: number) => boolean = () => false): { timestamps: number[]; rows: number[][] } {
  const rng = new Random(seed);
  const timestamps: number[] = [];
  const rows: number[][] = [];
  for (let t = 0; t < n; t++) {
    const v = 50 + 10 * Math.sin((2 * Math.PI * t) / PERIOD) + 0.5 * rng.normal();
    if (missing(t)) continue;
    timestamps.push(t * STEP);
    rows.push([v]);
  }
  return { timestamps, rows };
}

const alertsFrom = (ds: readonly { alert: boolean }[], from: number) => ds.flatMap((d, i) => (d.alert && i >= from ? [i] : []));

describe("replaySeries", () => {
  it("reports one detection per row, whatever gaps the timestamps have", () => {
    const { timestamps, rows } = cycle(1_500, 1, (t) => (t >= 700 && t < 702) || (t >= 1_000 && t < 1_060));
    expect(rows).toHaveLength(1_438);
    const ds = replaySeries(timestamps, rows, { mode: "streaming", seed: 3 });
    expect(ds).toHaveLength(rows.length);
    expect(ds.map((d) => d.timestamp)).toEqual(timestamps);
  });

  it("restarts the shingle after a gap longer than maxFillSteps, and fills a shorter one", () => {
    const { timestamps, rows } = cycle(1_500, 2, (t) => (t >= 700 && t < 702) || (t >= 1_000 && t < 1_060));
    // A feature set with a 4-step shingle (the default's is 1, which has nothing to restart).
    const shingle = 4;
    const ds = replaySeries(timestamps, rows, { mode: "streaming", seed: 3, profile: { ...CONTAINER_DETECTOR, shingleSize: shingle } });
    // Row 998 is step 1,060, the first after the long gap: no score until the shingle is full again.
    const afterGap = ds.slice(998, 998 + shingle);
    expect(afterGap.slice(0, shingle - 1).every((d) => d.score === 0)).toBe(true);
    expect(afterGap[shingle - 1].score).toBeGreaterThan(0);
    // The two missing steps at 700 are filled: the rows after them are scored at once.
    expect(ds[700].score).toBeGreaterThan(0);
  });

  it("keeps a cycle's phase across a long gap (no alert after it) where closing the gap up does not", () => {
    const missing = (t: number) => t >= 1_200 && t < 1_240;
    const { timestamps, rows } = cycle(2_400, 4, missing);
    const quietAfter = alertsFrom(replaySeries(timestamps, rows, { mode: "streaming", seed: 3 }), 1_200);
    expect(quietAfter).toEqual([]);
    // The same values at consecutive steps: the cycle jumps 40 steps at row 1,200 and the detector alerts on it.
    const closed = replaySeries(timestamps.map((_, i) => i * STEP), rows, { mode: "streaming", seed: 3 });
    expect(alertsFrom(closed, 1_200).length).toBeGreaterThan(0);
  });
});
