import { describe, expect, it } from "vitest";
import { anomalyOf } from "../../runtime/detection/anomalyOf";
import { decideScaling } from "../../runtime/detection/decideScaling";
import { CONTAINER_DETECTOR } from "../../runtime/detection/detectorProfiles";
import { DEFAULT_INCIDENT_SETTINGS, emptyTrackerState, trackStep, type TrackerEvent } from "../../runtime/detection/incidentTracker";
import { ServiceDetector } from "../../runtime/detection/serviceDetector";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { Random } from "../../runtime/model/random";

/**
 * A pulse, from the detector to the alert and the scaling decision, as the detect handler wires them (detector →
 * anomalyOf → incident tracker → decideScaling). A container's CPU follows a daily curve between 20 % and 80 %
 * (one-minute steps: a day is longer than the seasonal view's cycles, so only the forest knows it); at the night's
 * low, three days in, it jumps by 30 points for 8 minutes and comes back. Every value it takes lies within the day's
 * range, so the forest scores only the jump and the return: the pulse rule raises the alert at the return.
 */
const MINUTE = 60_000;
const JUMP = 3 * 1440;
const LENGTH = 8;

function run(seed: number) {
  const rng = new Random(seed);
  const fs = DEFAULT_FEATURE_SET;
  const detector = new ServiceDetector({ inputs: fs.metrics.length, detector: { ...CONTAINER_DETECTOR, seed }, scorer: "forest", replicaTtlMs: 60 * MINUTE, groupTtlMs: 30 * 1440 * MINUTE });
  let tracker = emptyTrackerState();
  const events: TrackerEvent[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < JUMP + 40; i++) {
    const pulse = i >= JUMP && i < JUMP + LENGTH ? 30 : 0;
    const row = [50 - 30 * Math.cos((2 * Math.PI * i) / 1440) + pulse + rng.normal(), 500 + 5 * rng.normal(), 1000 + 50 * rng.normal(), 800 + 40 * rng.normal(), 0, 0, 120 + 8 * rng.normal()];
    cpu.push(row[0]);
    const detections = detector.process(i * MINUTE, [{ container: "task-1/app", containerName: "app", values: row }]);
    const anomalies = detections.filter((d) => d.grade > 0 || d.alert).map((d) => anomalyOf("checkout", d, row, fs));
    const r = trackStep(tracker, { timestamp: i * MINUTE, anomalies, containers: 1, containersByName: { app: 1 } }, DEFAULT_INCIDENT_SETTINGS);
    tracker = r.state;
    events.push(...r.events);
  }
  return { events, cpu };
}

describe.each([1, 2, 3])("a CPU pulse at the night's low, seed %i", (seed) => {
  it("opens one incident when it comes back, dated from the jump, naming CPU at the pulse's level, and does not scale", () => {
    const { events, cpu } = run(seed);
    const opens = events.filter((e) => e.type === "open");
    expect(opens.length).toBe(1);
    const { incident, at } = opens[0];
    expect(at).toBe((JUMP + LENGTH) * MINUTE);
    expect(incident).toMatchObject({ start: JUMP * MINUTE, pulseEnd: (JUMP + LENGTH) * MINUTE, id: `checkout:${new Date(JUMP * MINUTE).toISOString()}` });
    // CPU stood 30 points up at the pulse's last minute and came back to the night's level.
    expect(incident.topMetrics[0]).toMatchObject({ metric: "container.cpu.utilized", value: cpu[JUMP + LENGTH - 1], expected: cpu[JUMP + LENGTH] });
    expect(incident.topMetrics[0].deviation).toBeGreaterThan(5);
    // The CPU is back: more tasks would not help (whatever the incident's kind).
    const scaling = decideScaling({
      service: "checkout",
      incident: { ...incident, kind: "saturation" },
      capacity: { desiredTasks: 2, runningTasks: 2, deploying: false },
      state: {},
      policy: { minTasks: 1, maxTasks: 4, maxStep: 1, cooldownMs: 0 },
      now: at,
      activeWithinMs: 5 * MINUTE,
      unansweredWithinMs: 30 * MINUTE,
      cpuPercent: cpu[JUMP + LENGTH],
    });
    expect(scaling.decision).toMatchObject({ action: "none", reason: "a pulse that is over (its metrics came back): alert only" });
  });
});
