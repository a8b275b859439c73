import * as fs from "node:fs";
import * as path from "node:path";
import * as v from "valibot";
import type { DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { parseJson, parseWithSchema, SchemaError } from "../../runtime/errors/parseWithSchema";
import { CliError } from "../cliError";
import { readText, writeFileAtomic } from "../fileOutput";

/** The file a `cad quality` run leaves beside its results: what produced them, so `--rescore` scores only what it was asked to. */
export const MANIFEST_FILE = "run.json";

const MANIFEST = v.strictObject({
  set: v.string(),
  seed: v.pipe(v.number(), v.integer()),
  /** The detector settings the run used (the candidate's overrides on the shipped profile). */
  profile: v.record(v.string(), v.unknown()),
});

/** JSON with object keys sorted at every level: two profiles compare equal whatever order their keys were set in. */
function canonical(x: unknown): string {
  if (x === undefined) return "unset";
  if (Array.isArray(x)) return `[${x.map(canonical).join(",")}]`;
  if (x !== null && typeof x === "object") {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(x);
}

/** Written after a run's results: the set, the seed and the detector settings. */
export function writeManifest(out: string, set: string, seed: number, profile: DetectorProfile): void {
  writeFileAtomic(path.join(out, MANIFEST_FILE), `${JSON.stringify({ set, seed, profile }, null, 2)}\n`);
}

/**
 * Before a run's results are scored again: `out` must hold the manifest of a run of this set, at this seed, with
 * these settings; otherwise a CliError says what differs (the settings that differ, by name).
 */
export function checkManifest(out: string, set: string, seed: number, profile: DetectorProfile): void {
  const file = path.join(out, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new CliError(`${file} does not exist: --rescore scores the results of an earlier cad quality run with the same --out, candidates, sets and seeds (run it without --rescore first)`);
  let m: v.InferOutput<typeof MANIFEST>;
  try {
    m = parseWithSchema(MANIFEST, parseJson(readText(file, "run manifest"), file), file);
  } catch (err) {
    throw err instanceof SchemaError ? new CliError(err.message) : err;
  }
  if (m.set !== set || m.seed !== seed) throw new CliError(`${file}: a run of ${m.set} at seed ${m.seed}, not of ${set} at seed ${seed}`);
  const wanted = profile as Readonly<Record<string, unknown>>;
  const keys = [...new Set([...Object.keys(m.profile), ...Object.keys(wanted)])].sort();
  const differ = keys.filter((k) => canonical(m.profile[k]) !== canonical(wanted[k]));
  if (differ.length > 0) {
    const shown = differ.slice(0, 5).map((k) => `${k} ${canonical(m.profile[k])} there, ${canonical(wanted[k])} now`);
    throw new CliError(`${file}: the results were written with other detector settings (${shown.join("; ")}${differ.length > 5 ? `; ${differ.length - 5} more` : ""}): run without --rescore`);
  }
}
