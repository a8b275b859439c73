import { CONTAINER_DETECTOR, type DetectorProfile } from "../runtime/detection/detectorProfiles";
import { ServiceDetector } from "../runtime/detection/serviceDetector";
import type { FeatureSet } from "../runtime/features/featureSet";
import { encodeTrainedGroups, type TrainedDetector } from "../runtime/model/modelBundle";
import type { FeatureRow } from "../runtime/types";

export interface TrainDetectorOptions {
  readonly featureSet: FeatureSet;
  /** Detector settings (default CONTAINER_DETECTOR); the feature set's shingle overrides the profile's. */
  readonly profile?: DetectorProfile;
  readonly seed?: number;
}

/**
 * Trains the embedded scorer's model: replays the training rows, step by step and service by service, through
 * the very detector the detect handler runs (each service's containers grouped by container name), and keeps
 * each container name's model. The detections are only counted: the share of container-steps graded anomalous
 * in the second half of the data becomes the model-health baseline (with add-one smoothing, (a + 1) / (n + 2):
 * a clean training day gives a small rate rather than 0, which no live rate could be compared with). A name seen in several services is taken
 * from the service with the most rows of it.
 *
 * @throws Error when no row can be scored (no complete, gap-free row).
 */
export function trainDetector(rows: readonly FeatureRow[], opts: TrainDetectorOptions): TrainedDetector {
  const fs = opts.featureSet;
  const profile: DetectorProfile = { ...(opts.profile ?? CONTAINER_DETECTOR), shingleSize: fs.shingleSize, seed: opts.seed ?? opts.profile?.seed ?? 42 };
  const byService = new Map<string, FeatureRow[]>();
  for (const r of rows) {
    let list = byService.get(r.service);
    if (!list) byService.set(r.service, (list = []));
    list.push(r);
  }
  const best = new Map<string, { rows: number; model: ReturnType<ServiceDetector["toState"]>["groups"][number]["model"] }>();
  let steps = 0;
  let graded = 0;
  let anomalous = 0;
  for (const [, serviceRows] of [...byService.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const detector = new ServiceDetector({ inputs: fs.metrics.length, detector: profile, scorer: "forest", replicaTtlMs: Infinity, groupTtlMs: Infinity });
    const byStep = new Map<number, FeatureRow[]>();
    for (const r of serviceRows) {
      let list = byStep.get(r.timestamp);
      if (!list) byStep.set(r.timestamp, (list = []));
      list.push(r);
    }
    const timestamps = [...byStep.keys()].sort((a, b) => a - b);
    const half = timestamps[Math.floor(timestamps.length / 2)];
    const rowsPerName = new Map<string, number>();
    for (const ts of timestamps) {
      const stepRows = byStep.get(ts) as FeatureRow[];
      const detections = detector.process(
        ts,
        stepRows.map((r) => ({ container: r.container, containerName: r.containerName ?? "", values: r.gap ? null : r.values })),
      );
      for (const r of stepRows) rowsPerName.set(r.containerName ?? "", (rowsPerName.get(r.containerName ?? "") ?? 0) + 1);
      if (ts >= half) {
        for (const d of detections) {
          if (d.confidence === 0) continue;
          graded++;
          if (d.grade > 0) anomalous++;
        }
      }
    }
    steps += timestamps.length;
    for (const g of detector.toState().groups) {
      const n = rowsPerName.get(g.name) ?? 0;
      if ((best.get(g.name)?.rows ?? -1) < n) best.set(g.name, { rows: n, model: g.model });
    }
  }
  if (best.size === 0 || steps === 0) throw new Error("no rows to train the detector on");
  const groups = [...best.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, g]) => ({ name, model: g.model }));
  return { profile, containerNames: groups.map((g) => g.name), steps, expectedAnomalyRate: (anomalous + 1) / (graded + 2), groups: encodeTrainedGroups(groups) };
}
