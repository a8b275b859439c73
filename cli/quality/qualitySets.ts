import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, EXIT_USAGE } from "../cliError";

/**
 * A development set `cad quality` knows: a NAB-layout set (`<category>/<file>.csv` plus a windows file, run by
 * `cad nab` and scored by `cad evaluate`) or a labelled set (`train/`, `test/`, `test_label/`, run by
 * `cad labelled`). Paths are relative to the datasets folder in {@link QUALITY_SETS}, absolute once located.
 */
export type QualitySet =
  | { readonly name: string; readonly kind: "nab"; readonly data: string; readonly windows: string }
  | { readonly name: string; readonly kind: "labelled"; readonly data: string };

/** The four development sets, in the order every table lists them (see each set's README in the datasets folder). */
export const QUALITY_SETS: readonly QualitySet[] = [
  { name: "nab-dev", kind: "nab", data: "nab-dev", windows: "nab-dev/combined_windows.json" },
  { name: "kpi-dev", kind: "nab", data: "kpi-dev/data", windows: "kpi-dev/labels/combined_windows.json" },
  { name: "jumpstarter-dev", kind: "labelled", data: "jumpstarter-dev" },
  { name: "smd-dev", kind: "labelled", data: "smd-dev" },
];

export const QUALITY_SET_NAMES: readonly string[] = QUALITY_SETS.map((s) => s.name);

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
 * fifteen minutes in.
 */
export function locateSets(root: string, names: readonly string[]): QualitySet[] {
  const expected = `expected the sets ${QUALITY_SET_NAMES.join(", ")} there (choose some with --sets; the folder is --datasets, else CAD_DATASETS, else ../shared/datasets beside the repository)`;
  if (!isDir(root)) throw new CliError(`datasets folder ${root} does not exist: ${expected}`, EXIT_USAGE);
  return names.map((name): QualitySet => {
    const spec = QUALITY_SETS.find((s) => s.name === name);
    if (!spec) throw new CliError(`unknown set "${name}": ${expected}`, EXIT_USAGE);
    const data = path.join(root, spec.data);
    if (spec.kind === "nab") {
      const windows = path.join(root, spec.windows);
      if (!isDir(data)) throw new CliError(`datasets folder ${root} has no ${spec.data}/ (${name}: a NAB-layout set, <category>/<file>.csv); ${expected}`, EXIT_USAGE);
      if (!isFile(windows)) throw new CliError(`datasets folder ${root} has no ${spec.windows} (${name}'s labelled windows)`, EXIT_USAGE);
      return { name, kind: "nab", data, windows };
    }
    if (!isDir(data)) throw new CliError(`datasets folder ${root} has no ${spec.data}/ (${name}: a labelled set, train/ test/ test_label/); ${expected}`, EXIT_USAGE);
    for (const sub of ["train", "test", "test_label"]) {
      if (!isDir(path.join(data, sub))) throw new CliError(`${data} has no ${sub}/ (${name} is a labelled set: train/, test/ and test_label/)`, EXIT_USAGE);
    }
    return { name, kind: "labelled", data };
  });
}
