import { describe, expect, it } from "vitest";
import { decisionScore } from "../../../runtime/evaluation/decisionScore";
import { replaySeries } from "../../../runtime/evaluation/replaySeries";

describe("decisionScore", () => {
  it("puts every alert at or above 1/2 and every other step below it", () => {
    expect(decisionScore({ alert: true, likelihood: 0.3, grade: 0.2 })).toBeCloseTo(0.6);
    expect(decisionScore({ alert: true, likelihood: 0.9, grade: 0.2 })).toBeCloseTo(0.9);
    expect(decisionScore({ alert: true, likelihood: 0.999, grade: 1 })).toBe(1);
    // A suppressed repeat far beyond the threshold still ranks below any alert.
    expect(decisionScore({ alert: false, likelihood: 0.99, grade: 0.9 })).toBeLessThan(0.5);
    expect(decisionScore({ alert: false, likelihood: 0, grade: 0 })).toBe(0);
  });

  it("ranks an anomalous step that did not alert in [1/4, 1/2) by its likelihood", () => {
    const scores = [0.5, 0.6, 0.8, 0.99].map((likelihood) => decisionScore({ alert: false, likelihood, grade: 0.3 }));
    expect(scores[0]).toBe(0.25);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
    for (const s of scores) expect(s).toBeLessThan(0.5);
    // A grade from the young guard or a fall can come with a likelihood under 1/2: it still ranks with the anomalous.
    expect(decisionScore({ alert: false, likelihood: 0.1, grade: 0.4 })).toBe(0.25);
  });

  it("ranks a step judged normal, or a repeat, under every new anomalous one, however far beyond the threshold its score lies", () => {
    // Near its expected values (grade 0) though its score is far beyond the threshold: a cycle's expected edge.
    const near = decisionScore({ alert: false, likelihood: 0.99, grade: 0 });
    // Withheld as a recurrence of a shape seen on a schedule.
    const recurrence = decisionScore({ alert: false, likelihood: 0.99, grade: 0.8, recurrence: true });
    // A repeat of an incident already raised tells nothing new.
    const repeat = decisionScore({ alert: false, likelihood: 0.99, grade: 0.9, repeat: true });
    const unconfirmed = decisionScore({ alert: false, likelihood: 0.55, grade: 0.05 });
    for (const s of [near, recurrence, repeat]) {
      expect(s).toBeLessThan(0.25);
      expect(unconfirmed).toBeGreaterThan(s);
    }
  });

  it("keeps the likelihood's order among the steps judged normal", () => {
    const scores = [0, 0.1, 0.2, 0.4, 0.49].map((likelihood) => decisionScore({ alert: false, likelihood, grade: 0 }));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
    expect(scores[0]).toBe(0);
  });
});

describe("decisionScore on a replayed daily square wave", () => {
  // NAB's art_daily_perfect_square_wave shape: 20 at night, 80 from 09:00 to 18:00, 5-minute steps, seven days.
  const step = 5 * 60_000;
  const start = Date.UTC(2014, 3, 1);
  const timestamps = Array.from({ length: 7 * 288 }, (_, i) => start + i * step);
  const rows = timestamps.map((_, i) => [i % 288 >= 108 && i % 288 < 216 ? 80 : 20]);
  const detections = replaySeries(timestamps, rows, { mode: "streaming", seed: 1 });
  const edges = detections.filter((_, i) => i >= 3 * 288 && (i % 288 === 108 || i % 288 === 216));

  it("ranks the cycle's expected edges from the third day on as normal, though their scores lie beyond the threshold", () => {
    expect(edges).toHaveLength(8);
    for (const d of edges) {
      expect(d.alert).toBe(false);
      expect(d.likelihood).toBeGreaterThan(0.5);
      expect(decisionScore(d)).toBeLessThan(0.25);
    }
  });
});
