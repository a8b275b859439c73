import { Command, Option } from "commander";
import { NAB_PROFILES } from "../../runtime/evaluation/nabScore";
import { CliError, parseNumberIn } from "../cliError";
import { inputFile, inputFolder } from "../inputPath";
import type { ProfileName } from "../nab/scoreProfiles";

export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description("score a detector's NAB-layout results with NAB's scoring (one threshold optimised over all files, normalised 0–100), or with --threshold at a fixed one (0.5: cad nab's alerts alone).")
    .requiredOption("--results <dir>", "the detector's results folder: <dir>/<category>/<detector>_<file>.csv", inputFolder("--results"))
    .requiredOption("--windows <file>", "labelled windows JSON (NAB's combined_windows.json layout)", inputFile("--windows"))
    .option("--data <dir>", "data folder: check each results file has one row per data row", inputFolder("--data"))
    .addOption(new Option("--profile <name>", "scoring profile").choices([...Object.keys(NAB_PROFILES), "all"]).default("all"))
    .option("--threshold <score>", "score every profile at this anomaly_score instead of NAB's threshold search: 0.5 scores the alerts of cad nab's detector alone (a number from 0 to 1)", parseNumberIn("--threshold", 0, 1))
    .option("--json", "print one JSON object instead of the table")
    .action(async (opts: { results: string; windows: string; data?: string; profile: string; threshold?: number; json?: boolean }) => {
      // The scoring loads only when the command runs: --help stays quick.
      const [{ loadResults }, { scoreProfiles }, { renderProfileScores }] = await Promise.all([import("../nab/loadResults"), import("../nab/scoreProfiles"), import("../nab/renderProfileScores")]);
      const profiles = (opts.profile === "all" ? Object.keys(NAB_PROFILES) : [opts.profile]) as ProfileName[];
      let loaded: ReturnType<typeof loadResults>;
      try {
        loaded = loadResults(opts);
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      if (loaded.unscored.length > 0) process.stderr.write(`cad evaluate: ${loaded.unscored.length} labelled files have no results and are not scored (e.g. ${loaded.unscored[0]})\n`);
      const scores = scoreProfiles(loaded.files, profiles, opts.threshold);
      process.stdout.write(opts.json ? `${JSON.stringify({ files: loaded.files.length, profiles: scores })}\n` : `${renderProfileScores(scores)}\n`);
    });
}
