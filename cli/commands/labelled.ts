import { Command, Option } from "commander";
import { DEFAULT_ONSET } from "../../runtime/evaluation/onsetMetrics";
import type { DetectionMode } from "../../runtime/evaluation/replaySeries";
import { YOUNG_STARTS_PER_PIECE } from "../../runtime/evaluation/youngPieces";
import { CliError, EXIT_USAGE, parseIntAtLeast } from "../cliError";
import { inputFolder } from "../inputPath";
import type { LabelledReport } from "../labelled/runLabelled";

export function labelledCommand(): Command {
  return new Command("labelled")
    .description("learn on train/, detect on test/, and report precision/recall/F1 against test_label/ (point-, event- and onset-wise, no point adjustment).")
    .requiredOption("--data <dir>", "folder with train/<entity>.csv, test/<entity>.csv (numeric rows; a first line with no number in it is skipped as a header; a missing value — empty, NaN, NA, null — is filled from the step before for gaps of up to 3 steps, and a longer gap's rows are skipped, as the deployment does) and test_label/<entity>.csv (0 or 1 per test row, as 0/1 or 0.0/1.0)", inputFolder("--data"))
    .requiredOption("--out <dir>", "writes <out>/<entity>.csv with score,anomaly_grade,alert_grade,label per test row (alert_grade > 0 where the detector alerted)")
    .addOption(new Option("--mode <mode>", "streaming or batch (SageMaker-style)").choices(["streaming", "batch"]).default("streaming"))
    .option("--baselines", "also run per-metric 3σ (every step, and 3 steps running) and an isolation forest (above mean + 3σ, and above the 99.5th percentile, of its training scores) on the same split")
    .option("--onset-gap <n>", "quiet steps before an alerting step that make it a new onset", parseIntAtLeast("--onset-gap", 1), DEFAULT_ONSET.gap)
    .option("--onset-tolerance <n>", "steps after a labelled run's end in which an onset still counts as a hit", parseIntAtLeast("--onset-tolerance", 0), DEFAULT_ONSET.tolerance)
    .option("--train-rows <n>", "learn on only the last n rows of each train part (detector and baselines): how a service with that much history does (default: all rows)", parseIntAtLeast("--train-rows", 1))
    .option("--young <rows>", "judge young services instead: cut each test part into pieces of <rows> rows and run each as a new service whose only history is the --train-rows rows right before it (default 60: an hour of 1-minute steps); the totals add up every piece, the per-entity lines each entity's pieces, and <out>/<entity>@<first test row>.csv holds each piece", parseIntAtLeast("--young", 1))
    .option("--young-every <n>", "test rows between the starts of consecutive young pieces (default: a quarter of --young, so each labelled run is judged at four ages)", parseIntAtLeast("--young-every", 1))
    .option("--json", "print the totals as one JSON object")
    .option("--seed <n>", "seed of the detector's forests and the isolation-forest baseline", parseIntAtLeast("--seed", 0), 42)
    .action(async (opts: { data: string; out: string; mode: DetectionMode; baselines?: boolean; onsetGap: number; onsetTolerance: number; trainRows?: number; young?: number; youngEvery?: number; json?: boolean; seed: number }) => {
      if (opts.youngEvery !== undefined && opts.young === undefined) throw new CliError("--young-every needs --young <rows>", EXIT_USAGE);
      if (opts.youngEvery !== undefined && opts.young !== undefined && opts.youngEvery > opts.young) throw new CliError(`--young-every must be at most --young (${opts.young}): pieces start at least once per piece, got ${opts.youngEvery}`, EXIT_USAGE);
      // The detector loads only when the command runs: --help stays quick.
      const [{ runLabelled }, { renderLabelled }] = await Promise.all([import("../labelled/runLabelled"), import("../labelled/renderLabelled")]);
      let report: LabelledReport;
      try {
        report = runLabelled({ data: opts.data, out: opts.out, mode: opts.mode, baselines: opts.baselines === true, seed: opts.seed, onset: { gap: opts.onsetGap, tolerance: opts.onsetTolerance }, trainRows: opts.trainRows, json: opts.json, young: opts.young === undefined ? undefined : { rows: opts.young, every: opts.youngEvery ?? Math.max(1, Math.ceil(opts.young / YOUNG_STARTS_PER_PIECE)) } });
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      if (opts.json) {
        const { perEntity: _perEntity, ...totals } = report;
        process.stdout.write(`${JSON.stringify(totals)}\n`);
      } else process.stdout.write(`${renderLabelled(report)}\n`);
    });
}
