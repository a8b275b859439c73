import type { ObservedStep } from "../../runtime/handlers/makeDetectHandler";

/** What the detector said about one container at one step, as the report draws it. */
export interface DetectedStep {
  readonly service: string;
  readonly container: string;
  readonly containerName: string;
  /** Step start, epoch ms. */
  readonly timestamp: number;
  readonly score: number;
  readonly threshold: number;
  /** Anomaly grade in [0, 1] (0 = normal). */
  readonly grade: number;
  readonly alert: boolean;
  /** Per metric (feature-set order): the value the detector expected and its usual spread (raw units). */
  readonly expected: readonly number[];
  readonly spread: readonly number[];
}

/**
 * Records every detection of a local run for the report, through the detect handler's `observe` hook: what
 * the report shows is what the handler decided, not a recomputation.
 */
export class DetectionRecorder {
  readonly steps: DetectedStep[] = [];

  /** The handler's `observe` dependency. */
  readonly observe = (step: ObservedStep): void => {
    for (const d of step.detections) {
      this.steps.push({
        service: step.service,
        container: d.container,
        containerName: d.containerName,
        timestamp: d.timestamp,
        score: d.score,
        threshold: d.threshold,
        grade: d.grade,
        alert: d.alert,
        expected: d.expected,
        spread: d.spread,
      });
    }
  };
}
