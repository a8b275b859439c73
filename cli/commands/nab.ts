import { Command, Option } from "commander";
import type { DetectionMode } from "../../runtime/evaluation/replaySeries";
import { CliError, EXIT_USAGE } from "../cliError";
import { inputFolder } from "../inputPath";

export function nabCommand(): Command {
  return new Command("nab")
    .description("run the detector over a NAB-layout data folder, each file as a deployment runs a container of one metric (the shipped settings, the default feature set's shingle of 1), and write NAB's results layout: anomaly_score per row is the detector's calibrated likelihood, >= 0.5 exactly on the rows it alerted on, in [0.25, 0.5) on rows it found newly anomalous but did not raise (not yet confirmed), under 0.25 on every other row (judged normal: below the threshold, near expected, a withheld recurrence; or a repeat of an incident already raised), so NAB's threshold search can go lower and reaches the detector's unconfirmed anomalies first. Time gaps reach the detector as the Lambda's alignment makes them: up to 3 missing steps filled with the value before, a longer gap as gap steps.")
    .requiredOption("--data <dir>", "folder of <category>/<file>.csv files with header timestamp,value", inputFolder("--data"))
    .requiredOption("--out <dir>", "results root: writes <out>/<detector>/<category>/<detector>_<file>.csv")
    .addOption(new Option("--mode <mode>", "streaming (learns as it goes) or batch (SageMaker-style: train once on the first 15%)").choices(["streaming", "batch"]).default("streaming"))
    .option("--detector <name>", "detector name used in the results layout (no '_')", "cad")
    .option("--seed <n>", "random seed", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new CliError(`--seed must be an integer, got "${v}"`, EXIT_USAGE);
      return n;
    }, 42)
    .option("--json", "print one JSON object {files, points, seconds, pointsPerSecond, outDir} instead of text (repairs to stderr)")
    .action(async (opts: { data: string; out: string; mode: DetectionMode; detector: string; seed: number; json?: boolean }) => {
      // The detector loads only when the command runs: --help stays quick.
      const { runNab } = await import("../nab/runNab");
      try {
        const summary = runNab(opts, (line) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`));
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError((err as Error).message);
      }
    });
}
