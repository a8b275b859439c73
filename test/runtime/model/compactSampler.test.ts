import { describe, expect, it } from "vitest";
import { CompactSampler } from "../../../runtime/model/compactSampler";
import { Random } from "../../../runtime/model/random";

describe("CompactSampler", () => {
  it("accepts exactly as wouldAccept(weightOf) and leaves the weight in offered[0]", () => {
    const s = new CompactSampler(16, 1 / 160);
    const rng = new Random(5);
    let accepted = 0;
    for (let seq = 0; seq < 2000; seq++) {
      const u = 1 - rng.next();
      const w = s.weightOf(seq, u);
      const expected = s.wouldAccept(w);
      expect(s.accepts(seq, u)).toBe(expected);
      expect(s.offered[0]).toBe(w);
      if (!expected) continue;
      accepted++;
      s.evictMax();
      s.add(s.offered[0], seq);
    }
    expect(s.size).toBe(16);
    // Past the first 16 points it keeps taking some (the sample follows the stream) but rejects most.
    expect(accepted).toBeGreaterThan(16);
    expect(accepted).toBeLessThan(1000);
  });

  it("keeps the lightest weights, the heaviest at the top of the heap", () => {
    const s = new CompactSampler(8, 0);
    const weights = [5, 1, 9, 3, 7, 2, 8, 6, 4, 0, 10];
    for (let i = 0; i < weights.length; i++) {
      if (!s.wouldAccept(weights[i])) continue;
      s.evictMax();
      s.add(weights[i], i);
    }
    expect(Array.from(s.weights).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.weights[0]).toBe(7);
  });
});
