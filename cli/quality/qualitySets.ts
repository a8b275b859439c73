import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, EXIT_USAGE } from "../cliError";
import { writeYoungNabSet, YOUNG_NAB_BEFORE, YOUNG_NAB_ROWS, type PieceOptions } from "./youngNabSet";

/**
 * A development set `cad quality` knows: a NAB-layout set (`<category>/<file>.csv` plus a windows file, run by
 * `cad nab` and scored by `cad evaluate`) or a labelled set (`train/`, `test/`, `test_label/`, run by
 * `cad labelled`). Paths are absolute (the datasets folder's, located by {@link locateSets}).
 * A young set (`<set>-young`, {@link YOUNG_SUFFIX}) judges the same data as young series: a NAB-layout set cut into
 * pieces that start shortly before each window (`cut`: where they come from and how they are cut; `data` and
 * `windows` are then the pieces, written before the runs), a labelled set's test parts cut into young services
 * (`young`: `cad labelled --young`).
 */
export type QualitySet =
  | { readonly name: string; readonly kind: "nab"; readonly data: string; readonly windows: string; readonly cut?: { readonly data: string; readonly windows: string; readonly pieces: PieceOptions } }
  | { readonly name: string; readonly kind: "labelled"; readonly data: string; readonly young?: { readonly rows: number; readonly every: number } };

type SetSpec =
  | { readonly name: string; readonly kind: "nab"; readonly data: string; readonly windows: string; readonly youngEvery: number }
  | { readonly name: string; readonly kind: "labelled"; readonly data: string };

/**
 * The four development sets, in the order every table lists them (see each set's README in the datasets folder).
 * `youngEvery`: the young cut takes a piece at every how many windows of a file (kpi-dev's 495 windows at every
 * fourth give 129 pieces, a run about as long as the whole set's).
 */
const SPECS: readonly SetSpec[] = [
  { name: "nab-dev", kind: "nab", data: "nab-dev", windows: "nab-dev/combined_windows.json", youngEvery: 1 },
  { name: "kpi-dev", kind: "nab", data: "kpi-dev/data", windows: "kpi-dev/labels/combined_windows.json", youngEvery: 4 },
  { name: "jumpstarter-dev", kind: "labelled", data: "jumpstarter-dev" },
  { name: "smd-dev", kind: "labelled", data: "smd-dev" },
];

/** A young set's name: `<set>-young`. */
export const YOUNG_SUFFIX = "-young";

/** Young services of a labelled set: pieces of 720 test rows (12 hours at 1-minute steps), one every 180, each with the hour before it as history. */
export const YOUNG_LABELLED = { rows: 720, every: 180 } as const;

/** The four development sets: what `cad quality` runs by default. */
export const QUALITY_SET_NAMES: readonly string[] = SPECS.map((s) => s.name);

/** The young sets, one per development set (`cad quality --young`, or by name in --sets). */
export const YOUNG_SET_NAMES: readonly string[] = QUALITY_SET_NAMES.map((n) => `${n}${YOUNG_SUFFIX}`);

/** Every set `cad quality` can run, in table order: the four, then their young sets. */
export const ALL_SET_NAMES: readonly string[] = [...QUALITY_SET_NAMES, ...YOUNG_SET_NAMES];

/**
 * The datasets folder when `--datasets` is not given: CAD_DATASETS, else `../shared/datasets` beside the
 * repository (so `npm run quality` works from a fresh clone next to the shared data).
 */
export function defaultDatasetsDir(env: NodeJS.ProcessEnv, repoRoot: string): string {
  const fromEnv = env.CAD_DATASETS;
  return fromEnv !== undefined && fromEnv !== "" ? path.resolve(fromEnv) : path.resolve(repoRoot, "..", "shared", "datasets");
}

const isDir = (p: string): boolean => fs.existsSync(p) && fs.statSync(p).isDirectory();
const isFile = (p: string): boolean => fs.existsSync(p) && fs.statSync(p).isFile();

/**
 * The chosen sets under `root`, each checked for the folders (and windows file) its runner reads, before any
 * run starts: a missing piece is a usage error naming the folder and what the set needs, not a failure
 * fifteen minutes in. A young NAB-layout set's pieces go to `<youngDir>/<set>/` (written by {@link prepareYoungSets}).
 */
export function locateSets(root: string, names: readonly string[], youngDir?: string): QualitySet[] {
  const expected = `expected the sets ${QUALITY_SET_NAMES.join(", ")} there (choose some with --sets; the folder is --datasets, else CAD_DATASETS, else ../shared/datasets beside the repository)`;
  if (!isDir(root)) throw new CliError(`datasets folder ${root} does not exist: ${expected}`, EXIT_USAGE);
  return names.map((name): QualitySet => {
    const young = name.endsWith(YOUNG_SUFFIX);
    const baseName = young ? name.slice(0, -YOUNG_SUFFIX.length) : name;
    const spec = SPECS.find((s) => s.name === baseName);
    if (!spec) throw new CliError(`unknown set "${name}": ${expected}, or their young sets ${YOUNG_SET_NAMES.join(", ")}`, EXIT_USAGE);
    const data = path.join(root, spec.data);
    if (spec.kind === "nab") {
      const windows = path.join(root, spec.windows);
      if (!isDir(data)) throw new CliError(`datasets folder ${root} has no ${spec.data}/ (${baseName}: a NAB-layout set, <category>/<file>.csv); ${expected}`, EXIT_USAGE);
      if (!isFile(windows)) throw new CliError(`datasets folder ${root} has no ${spec.windows} (${baseName}'s labelled windows)`, EXIT_USAGE);
      if (!young) return { name, kind: "nab", data, windows };
      if (youngDir === undefined) throw new Error(`${name}: a young set needs a folder for its pieces`);
      const pieces: PieceOptions = { rows: YOUNG_NAB_ROWS, before: YOUNG_NAB_BEFORE, every: spec.youngEvery };
      return { name, kind: "nab", data: path.join(youngDir, name, "data"), windows: path.join(youngDir, name, "combined_windows.json"), cut: { data, windows, pieces } };
    }
    if (!isDir(data)) throw new CliError(`datasets folder ${root} has no ${spec.data}/ (${baseName}: a labelled set, train/ test/ test_label/); ${expected}`, EXIT_USAGE);
    for (const sub of ["train", "test", "test_label"]) {
      if (!isDir(path.join(data, sub))) throw new CliError(`${data} has no ${sub}/ (${baseName} is a labelled set: train/, test/ and test_label/)`, EXIT_USAGE);
    }
    return young ? { name, kind: "labelled", data, young: YOUNG_LABELLED } : { name, kind: "labelled", data };
  });
}

/** Writes the pieces of every young NAB-layout set among `sets` (youngNabSet.ts), saying what each holds. */
export function prepareYoungSets(sets: readonly QualitySet[], log: (line: string) => void): void {
  for (const set of sets) {
    if (set.kind !== "nab" || set.cut === undefined) continue;
    const cut = writeYoungNabSet(set.cut, set.data, set.windows, set.cut.pieces);
    log(`cad quality: ${set.name}: ${cut.files} files cut into ${cut.pieces} pieces of up to ${set.cut.pieces.rows.toLocaleString("en-US")} rows, each from ${set.cut.pieces.before.toLocaleString("en-US")} rows before ${set.cut.pieces.every === 1 ? "each window" : `one window in ${set.cut.pieces.every}`} (${cut.windows} windows) → ${path.dirname(set.data)}`);
  }
}
