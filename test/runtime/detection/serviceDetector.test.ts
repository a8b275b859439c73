import { describe, expect, it } from "vitest";
import { SHINGLED_SERIES } from "../../helpers/shingledSeries";
import { ServiceDetector } from "../../../runtime/detection/serviceDetector";

const detector = () => new ServiceDetector({ inputs: 1, detector: { ...SHINGLED_SERIES, seed: 1 }, scorer: "forest", replicaTtlMs: Infinity, groupTtlMs: Infinity });
/** Steps the seasonal view of container name "web" has counted. */
const seasonalSteps = (d: ServiceDetector) => d.model("web")?.toState().seasonal?.profiles[0].seen;

describe("ServiceDetector gap steps", () => {
  it("moves a container name's cycles on when every replica has a gap, not when one still reports", () => {
    const d = detector();
    for (let t = 0; t < 10; t++) d.process(t, [{ container: "a", containerName: "web", values: [t] }]);
    expect(seasonalSteps(d)).toBe(10);
    // Every replica of "web" has a gap: no detection, the cycles move on a step.
    expect(d.process(10, [{ container: "a", containerName: "web", values: null }])).toEqual([]);
    expect(seasonalSteps(d)).toBe(11);
    // One of two replicas reports: an ordinary step (the cycles see it once).
    d.process(11, [
      { container: "a", containerName: "web", values: null },
      { container: "b", containerName: "web", values: [3] },
    ]);
    expect(seasonalSteps(d)).toBe(12);
  });
});
