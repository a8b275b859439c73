import { Command } from "commander";
import { parsePositiveInt } from "../cliError";
import type { BacktestCliOptions } from "../replay/backtest";

export function backtestCommand(): Command {
  return new Command("backtest")
    .description("replay a metrics CSV through the detect handler with local adapters (every 5 simulated minutes) and write what it would have alerted and scaled: alerts, incidents, scaling decisions, and an HTML report")
    .requiredOption("--input <csv>", "metrics CSV: feature rows (cad collect / cad demo), long format, or a Splunk export")
    .option("--model <file>", "model from `cad train`; without it, the first --train-hours of the data train one and the rest is replayed")
    .option("--train-hours <n>", "hours at the start of the data to train on when no --model is given", parsePositiveInt("--train-hours"), 24)
    .option("--labels <csv>", "known-anomalous windows (service,start,end[,kind,container]) to show in the report and count as detected or missed")
    .option("--out <dir>", "where to write alerts.jsonl, incidents.json, scaling.json and summary.json", "out/backtest")
    .option("--report <file>", "write the HTML report here (e.g. out/report.html)")
    .option("--tasks <n>", "starting task count of every service (default: its tasks in the first replayed step, i.e. its containers of one name)", parsePositiveInt("--tasks"))
    .option("--min-tasks <n>", "lowest task count scaling may leave (default: the starting count)", parsePositiveInt("--min-tasks"))
    .option("--max-tasks <n>", "highest task count scaling may reach (default: twice the starting count)", parsePositiveInt("--max-tasks"))
    .option("--max-step <n>", "most tasks one decision may add", parsePositiveInt("--max-step"), 2)
    .option("--cooldown-minutes <n>", "minimum minutes between scaling actions", parsePositiveInt("--cooldown-minutes"), 10)
    .option("--rules <file>", "alert rules (JSON, the shape of the stack config's `rules` key): per-metric minimum deviation and direction, maintenance windows, what a deployment does to alerts, and per-service calendars (weekly levels, holidays) that scale load-like metrics before scoring — the model trained on --train-hours learns through them too; give a --model trained with `cad train --rules` the same file")
    .option("--feedback <file>", "operators' feedback to give during the replay (JSON list): {incidentId, verdict, note?} marks an incident of this replay when it resolves; {service, pattern, verdict, at?} marks a pattern from `at`. verdict: false-alarm, real or expected")
    .option("--json", "print a JSON summary instead of text")
    .addHelpText("after", "\nExample:\n  npx cad backtest --input out/demo/metrics.csv --model out/model.json --report out/report.html\n")
    .action(async (o: BacktestCliOptions) => {
      // The replay, the detector and the report load only when the command runs: --help stays quick.
      const { backtest } = await import("../replay/backtest");
      const summary = await backtest(o);
      if (o.json) process.stdout.write(JSON.stringify(summary) + "\n");
    });
}
