import { describe, expect, it } from "vitest";
import { CONTAINER_DETECTOR } from "../../../runtime/detection/detectorProfiles";
import { ServiceDetector } from "../../../runtime/detection/serviceDetector";
import { embeddedModel } from "../../../runtime/handlers/detectionModel";
import { packState, unpackState } from "../../../runtime/model/binaryState";
import { DECISION_OPTIONS, decisionChanges, decisionsOf, withDecisions } from "../../../runtime/model/decisionOptions";
import { Random } from "../../../runtime/model/random";
import { ThresholdedForest, type ThresholdedForestState } from "../../../runtime/model/thresholdedForest";
import { harnessBundle } from "../../helpers/detectHarness";

/**
 * A restored detector takes its decision rules from the deployment's profile (runtime/model/decisionOptions.ts): a
 * release's rules reach running services and trained bundles without retraining; the learnt state carries on.
 */
const OLD = { pulseMinSteps: 0, pulseMaxSteps: 0, repeatWindow: 80 };

/**
 * One metric at 5 ± 0.3 with an external score of 1 ± 0.1; from step 2,000 at 8 for 8 steps, the jump and the return
 * scored 1.9 (above the threshold, graded about 0.3: neither confirmed nor bypassing confirmation). Steps `from`..`to`.
 */
function feed(d: ThresholdedForest, seed: number, from: number, to: number) {
  const rng = new Random(seed * 1000 + from);
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const value = (i >= 2000 && i < 2008 ? 8 : 5) + 0.3 * rng.normal();
    return d.process([value], i === 2000 || i === 2008 ? 1.9 : 1 + 0.1 * rng.normal());
  });
}

/** A detector saved at step 1,500 under OLD (before the pulse rule), through the binary codec as it is stored. */
function saved(seed: number): ThresholdedForestState {
  const d = new ThresholdedForest({ ...CONTAINER_DETECTOR, ...OLD, inputs: 1, seed, scorer: "external" });
  feed(d, seed, 0, 1500);
  return unpackState(packState(d.toState(), { compression: "none" })) as ThresholdedForestState;
}

describe("decision options", () => {
  it("are the confirmation, pulse, repeat and recurrence rules and the young fall; a profile's are picked, the rest left", () => {
    expect([...DECISION_OPTIONS].sort()).toEqual(
      ["confirmBypassGrade", "confirmGrossUntil", "confirmSteps", "grossFaultFallZ", "confirmWindow", "pulseMaxSteps", "pulseMinSteps", "recurrenceCount", "recurrenceHorizon", "recurrencePersist", "recurrenceRegular", "recurrenceTolerance", "repeatEscalation", "repeatExtends", "repeatNewCause", "repeatWindow"].sort(),
    );
    const picked = decisionsOf({ ...CONTAINER_DETECTOR, numTrees: 7 });
    expect(picked).toEqual({ confirmSteps: 3, confirmWindow: 4, confirmBypassGrade: 0.5, confirmGrossUntil: 256, grossFaultFallZ: 4, pulseMinSteps: 5, pulseMaxSteps: 12, repeatWindow: 50, repeatEscalation: 1.5, repeatExtends: true, repeatNewCause: true, recurrenceHorizon: 2000, recurrenceCount: 3, recurrenceRegular: true, recurrencePersist: 3 });
    // An option the profile leaves out keeps the saved value; without a profile nothing changes.
    expect(withDecisions({ inputs: 2, recurrenceTolerance: 0.4, zFactor: 9 }, { confirmSteps: 2, zFactor: 3 })).toEqual({ inputs: 2, recurrenceTolerance: 0.4, zFactor: 9, confirmSteps: 2 });
    expect(decisionChanges({ confirmSteps: 3, pulseMaxSteps: 0 }, { confirmSteps: 3, pulseMaxSteps: 12, recurrenceTolerance: 0.3, zFactor: 4 })).toEqual(["pulseMaxSteps 0 → 12", "recurrenceTolerance unset → 0.3"]);
    const options = { inputs: 1, confirmSteps: 2 };
    expect(withDecisions(options, undefined)).toBe(options);
  });

  it.each([1, 2, 3])("a state saved before the pulse rule, restored with the profile, raises the pulse; its learning and its other options are as saved (seed %i)", (seed) => {
    const state = saved(seed);
    const asSaved = ThresholdedForest.fromState(state);
    const upgraded = ThresholdedForest.fromState(state, CONTAINER_DETECTOR);
    expect(asSaved.options).toMatchObject(OLD);
    expect(upgraded.options).toEqual({ ...state.options, ...decisionsOf(CONTAINER_DETECTOR) });
    expect(upgraded.options).toMatchObject({ pulseMinSteps: 5, pulseMaxSteps: 12, repeatWindow: 50, seed, scorer: "external" });
    const a = feed(asSaved, seed, 1500, 2040);
    const b = feed(upgraded, seed, 1500, 2040);
    expect(a.flatMap((x, k) => (x.alert ? [1500 + k] : []))).toEqual([]);
    expect(b.flatMap((x, k) => (x.alert ? [1500 + k] : []))).toEqual([2008]);
    expect(b[508].pulse).toBe(8);
    // The same scores and thresholds at every step: the rules changed what was raised, not what was learnt.
    expect(b.map((x) => [x.score, x.threshold])).toEqual(a.map((x) => [x.score, x.threshold]));
  });

  it("a profile whose rules do not fit the saved ones is refused by name", () => {
    const state = saved(1);
    expect(() => ThresholdedForest.fromState({ ...state, options: { ...state.options, confirmWindow: 4 } }, { confirmSteps: 5 })).toThrow("confirmSteps (5) must not exceed confirmWindow (4)");
  });

  it("a running service's stored detector and a trained bundle's groups take the deployment's rules", () => {
    const fs = harnessBundle().featureSet;
    const config = { inputs: fs.metrics.length, detector: { ...CONTAINER_DETECTOR, ...OLD }, scorer: "forest" as const, replicaTtlMs: 3_600_000, groupTtlMs: 86_400_000 };
    const running = new ServiceDetector(config);
    running.process(0, [{ container: "task-1/app", containerName: "app", values: fs.metrics.map(() => 1) }]);
    const restored = ServiceDetector.fromState({ ...config, detector: CONTAINER_DETECTOR }, running.toState());
    const options = (d: ServiceDetector) => ThresholdedForest.fromState(d.toState().groups[0].model).options;
    expect(options(restored)).toMatchObject({ pulseMaxSteps: 12, repeatWindow: 50 });
    expect(options(ServiceDetector.fromState(config, running.toState()))).toMatchObject({ pulseMaxSteps: 0, repeatWindow: 80 });
    // A trained bundle: its groups and new container names run its own settings with this release's rules.
    const bundle = harnessBundle();
    const old = { ...bundle, detector: { ...(bundle.detector as NonNullable<typeof bundle.detector>), profile: { ...CONTAINER_DETECTOR, ...OLD, numTrees: 40 } } };
    const model = embeddedModel(old, "an old bundle");
    expect(model.detector).toMatchObject({ ...decisionsOf(CONTAINER_DETECTOR), numTrees: 40 });
    // The detect Lambda reports which rules it runs differently from the bundle's.
    expect(model.label).toMatch(/, with this release's decision rules: pulseMinSteps 0 → 5, pulseMaxSteps 0 → 12, repeatWindow 80 → 50$/);
    expect(embeddedModel(bundle, "a bundle of this release").label).not.toContain("decision rules");
  });
});
