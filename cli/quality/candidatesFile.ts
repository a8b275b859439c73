import * as v from "valibot";
import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { parseJson, parseWithSchema, SchemaError } from "../../runtime/errors/parseWithSchema";
import { TRANSFORM_METHODS } from "../../runtime/model/preprocessor";
import { HOLD_MODES } from "../../runtime/model/thresholdedForestOptions";
import { resolveOptions } from "../../runtime/model/resolveOptions";
import { readText } from "../fileOutput";

/** Detector settings a candidate may change: every detector option but the seed (the run's) and the per-deployment ones. */
export type DetectorOverrides = Omit<DetectorProfile, "seed">;

/** A named set of detector settings applied on top of the shipped profile (CONTAINER_DETECTOR). */
export interface Candidate {
  readonly name: string;
  readonly overrides: DetectorOverrides;
}

/** The shipped settings: always measured, always first (the reference every candidate is judged against). */
export const SHIPPED: Candidate = { name: "shipped", overrides: {} };

/**
 * One field per detector option (OVERRIDE_NAMES lists them for --help), of its type (ranges are resolveOptions' to check): the `satisfies` clause
 * fails to compile when an option is added to or removed from the detector without this list following.
 */
const OVERRIDE_FIELDS = {
  shingleSize: v.number(),
  numTrees: v.number(),
  sampleSize: v.number(),
  timeDecay: v.number(),
  statisticsMemory: v.number(),
  transform: v.picklist(TRANSFORM_METHODS),
  outputAfter: v.number(),
  zFactor: v.number(),
  lowerThreshold: v.number(),
  clipScores: v.boolean(),
  thresholdQuantile: v.number(),
  thresholdQuantileMemory: v.number(),
  holdStatistics: v.number(),
  holdStatisticsMode: v.picklist(HOLD_MODES),
  holdStatisticsFrom: v.number(),
  holdStatisticsUntil: v.number(),
  pulseMinSteps: v.number(),
  pulseMaxSteps: v.number(),
  ignoreNearExpectedRelative: v.number(),
  ignoreNearExpectedAbsolute: v.number(),
  ignoreNearExpectedDeviations: v.number(),
  ignoreNearUsualBursts: v.number(),
  usualBurstZ: v.number(),
  spreadMemory: v.number(),
  spreadFromChanges: v.boolean(),
  forestChanges: v.number(),
  forestClip: v.number(),
  shingleDecay: v.number(),
  repeatWindow: v.number(),
  repeatEscalation: v.number(),
  repeatExtends: v.boolean(),
  repeatNewCause: v.boolean(),
  recurrenceHorizon: v.number(),
  recurrenceCount: v.number(),
  recurrenceRegular: v.boolean(),
  recurrenceTolerance: v.number(),
  recurrencePersist: v.number(),
  maxCorrections: v.number(),
  learnAnomalies: v.boolean(),
  learnUnconfirmed: v.boolean(),
  seasonal: v.boolean(),
  maxPeriod: v.number(),
  minPeriod: v.number(),
  seasonalZFactor: v.number(),
  seasonalMultiples: v.boolean(),
  driftZFactor: v.number(),
  driftSpan: v.number(),
  grossFaultRatio: v.number(),
  grossFaultZ: v.number(),
  grossFaultFallZ: v.number(),
  confirmSteps: v.number(),
  confirmWindow: v.number(),
  confirmBypassGrade: v.number(),
  confirmGrossUntil: v.number(),
} satisfies { readonly [K in keyof Required<DetectorOverrides>]: v.GenericSchema<unknown, Required<DetectorOverrides>[K]> };

const overridesSchema = v.partial(v.strictObject(OVERRIDE_FIELDS));

const fileSchema = v.pipe(
  v.array(
    v.strictObject({
      name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "expected a name of letters, digits, '.', '_' or '-' (up to 64; it names an output folder)")),
      overrides: v.optional(v.record(v.string(), v.unknown())),
    }),
  ),
  v.minLength(1, "expected at least one candidate"),
);

/**
 * Reads a candidates file: a JSON list of `{ "name": string, "overrides": { <detector option>: value } }`.
 * Returns {@link SHIPPED} first, then the file's candidates. Errors name the file, the candidate and the field:
 * an unknown option, a value of the wrong type, a value the detector refuses (on top of the shipped profile), a
 * repeated name, or a "shipped" entry that changes something.
 */
export function readCandidates(file: string): Candidate[] {
  const list = parseWithSchema(fileSchema, parseJson(readText(file, "candidates file"), file), file);
  const out: Candidate[] = [SHIPPED];
  list.forEach((entry, i) => {
    const where = `${file}: candidate "${entry.name}" ([${i}])`;
    if (list.findIndex((e) => e.name === entry.name) !== i) throw new SchemaError(where, ["name: used twice"]);
    const overrides: DetectorOverrides = parseWithSchema(v.object({ overrides: overridesSchema }), { overrides: entry.overrides ?? {} }, where).overrides;
    try {
      resolveOptions({ ...CONTAINER_DETECTOR, ...overrides, inputs: 1 });
    } catch (err) {
      throw new SchemaError(where, [`overrides: ${(err as Error).message} (on top of CONTAINER_DETECTOR)`]);
    }
    if (entry.name === SHIPPED.name) {
      if (Object.keys(overrides).length > 0) throw new SchemaError(where, ['"shipped" is the shipped settings and takes no overrides; name the candidate otherwise']);
      return;
    }
    out.push({ name: entry.name, overrides });
  });
  return out;
}

/** The settings a candidate runs every set with: the shipped profile with its overrides. */
export function candidateProfile(c: Candidate): DetectorProfile {
  return { ...CONTAINER_DETECTOR, ...c.overrides };
}
