import * as fs from "node:fs";
import * as v from "valibot";
import { parseJson, parseWithSchema } from "../runtime/errors/parseWithSchema";

/** Where and how a group of figures was measured: what the docs print beside them. */
const Provenance = v.strictObject({
  /** ISO 8601 UTC. */
  measuredAt: v.pipe(v.string(), v.isoTimestamp("expected an ISO 8601 timestamp")),
  /** The commit measured (`git rev-parse --short HEAD`), with "+changes" when the tree had uncommitted changes. */
  commit: v.pipe(v.string(), v.minLength(1)),
  /** The machine's 1-minute load average when the measurement started (null: not recorded, e.g. a saved output), and its cores. */
  loadAverage: v.nullable(v.number()),
  cores: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** What a reader runs to measure it again. */
  command: v.pipe(v.string(), v.minLength(1)),
});

const Minutes = v.nullable(v.pipe(v.number(), v.integer()));

/** One demo seed: each injected incident (detected, as which kind, how fast), false alerts and scaling. */
export const DemoSeedFiguresSchema = v.strictObject({
  seed: v.pipe(v.number(), v.integer(), v.minValue(0)),
  incidents: v.array(v.strictObject({ kind: v.string(), detectedAs: v.nullable(v.string()), minutesToDetect: Minutes })),
  falseAlerts: v.array(v.strictObject({ kind: v.string(), openedAt: v.string() })),
  /** "scale-out 6 → 8", "restore 10 → 6", in order. */
  scaling: v.array(v.string()),
});
export type DemoSeedFigures = v.InferOutput<typeof DemoSeedFiguresSchema>;

const DemoFigures = v.strictObject({
  ...Provenance.entries,
  /** The seed `npm start` runs, whose printed excerpt the README shows. */
  defaultSeed: v.pipe(v.number(), v.integer()),
  /** The first alert and the final table `npm start` prints (the README's excerpt). */
  excerpt: v.string(),
  seeds: v.pipe(v.array(DemoSeedFiguresSchema), v.minLength(1)),
  /** Wall time of `npm start` (node bin/cad.js demo) spawned once, seconds. */
  npmStartSeconds: v.number(),
});

const Spread = v.strictObject({ mean: v.number(), min: v.number(), max: v.number(), values: v.array(v.number()) });
export type Spread = v.InferOutput<typeof Spread>;

const NabSet = v.object({
  set: v.string(),
  kind: v.literal("nab"),
  standard: Spread,
  lowFP: Spread,
  lowFN: Spread,
  windows: v.number(),
  found: Spread,
  falsePositives: Spread,
  /** NAB's standard profile at the detector's own alerts, not the optimised threshold (since session 64). */
  atAlerts: v.optional(v.object({ standard: Spread, found: Spread, falsePositives: Spread })),
  normalised: Spread,
  seconds: Spread,
});
const LabelledSet = v.object({
  set: v.string(),
  kind: v.literal("labelled"),
  onset: v.object({ precision: Spread, recall: Spread, f1: Spread, falsePer1000: Spread, runsFound: Spread, runF1: v.optional(Spread) }),
  runs: v.number(),
  eventF1: Spread,
  baselines: v.record(v.string(), Spread),
  bestBaseline: v.string(),
  ratioToBest: v.nullable(Spread),
  normalised: Spread,
  seconds: Spread,
});
export type NabSetFigures = v.InferOutput<typeof NabSet>;
export type LabelledSetFigures = v.InferOutput<typeof LabelledSet>;

const QualityFigures = v.strictObject({
  ...Provenance.entries,
  seeds: v.array(v.number()),
  sets: v.pipe(v.array(v.variant("kind", [NabSet, LabelledSet])), v.minLength(1)),
  normalised: Spread,
  /** Wall time of the whole quality run, seconds. */
  seconds: v.number(),
});

/** The bench's JSON lines, kept whole: each has a `name`; the renderer reads the fields it prints. */
const BenchFigures = v.strictObject({
  ...Provenance.entries,
  lines: v.pipe(v.array(v.looseObject({ name: v.string() })), v.minLength(1)),
});

export const FIGURES_SCHEMA = "cad.docs-figures/1";

export const FiguresFileSchema = v.strictObject({
  schema: v.literal(FIGURES_SCHEMA),
  demo: v.optional(DemoFigures),
  quality: v.optional(QualityFigures),
  bench: v.optional(BenchFigures),
});
export type FiguresFile = v.InferOutput<typeof FiguresFileSchema>;
export type DemoFiguresGroup = NonNullable<FiguresFile["demo"]>;
export type QualityFiguresGroup = NonNullable<FiguresFile["quality"]>;
export type BenchFiguresGroup = NonNullable<FiguresFile["bench"]>;

/** Reads and validates docs/figures.json; an absent file is an empty one. */
export function readFiguresFile(path: string): FiguresFile {
  if (!fs.existsSync(path)) return { schema: FIGURES_SCHEMA };
  return parseWithSchema(FiguresFileSchema, parseJson(fs.readFileSync(path, "utf8"), path), path);
}

/** Writes it whole (temporary file, then rename: a failed write leaves the previous figures). */
export function writeFiguresFile(path: string, figures: FiguresFile): void {
  const tmp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(figures, null, 2)}\n`);
  fs.renameSync(tmp, path);
}
