import { Command } from "commander";
import { CliError, EXIT_USAGE, parseIntAtLeast, parsePositiveInt } from "../cliError";

export function demoCommand(): Command {
  return new Command("demo")
    .description("run the whole loop locally on a simulated ECS service: train on day 1, detect, alert and scale on the following days (no cloud needed).")
    .option("--days <n>", "days to simulate, at least 2 (day 1 trains, the rest are scored)", parseIntAtLeast("--days", 2, "one day trains the model, the following days are scored"), 3)
    .option("--seed <n>", "seed of the simulation and the forest (an integer >= 0)", parseIntAtLeast("--seed", 0), 7)
    .option("--tasks <n>", "tasks (containers) the service starts with", parsePositiveInt("--tasks"), 6)
    .option("--out <dir>", "where to write alerts.jsonl, model.json, summary.json, metrics.csv, truth.csv and report.html", "out/demo")
    .option("--rules <file>", "alert rules (JSON, the shape of the stack config's `rules` key) the detect handler applies: per-metric minimum deviation and direction, maintenance windows, what a deployment does to alerts")
    .option("--weekly", "a weekly cycle: weekend traffic (Saturday and Sunday, UTC) at 35 % of weekdays, and with --days 7 or more a crash loop on the Sunday too; try it with and without a calendar in --rules")
    .option("--json", "print the summary as JSON instead of text")
    .option("--services <n>", "simulate this many services through the fan-out planner, queue and workers (every fifth gets the incidents); prints per-service results and totals, writes no files", parsePositiveInt("--services"))
    .option("--workers <n>", "with --services: concurrent detector workers draining the queue", parsePositiveInt("--workers"), 4)
    .action(async (o: { days: number; seed: number; tasks: number; out: string; rules?: string; weekly?: boolean; json?: boolean; services?: number; workers: number }) => {
      // The simulation, the detector and the progress bar load only when the command runs: --help stays quick.
      const [{ runDemo }, { formatFanOutDemo, runFanOutDemo }, { describeEvent }, { formatDemoTable }, { startProgress }] = await Promise.all([
        import("../demo/runDemo"),
        import("../demo/runFanOutDemo"),
        import("../demo/describeEvent"),
        import("../demo/formatDemoTable"),
        import("../progress"),
      ]);
      const t0 = Date.now();
      if (o.services !== undefined && o.weekly) throw new CliError("--weekly applies to the single-service demo; the fan-out demo (--services) has no weekly cycle", EXIT_USAGE);
      if (o.services !== undefined && o.rules !== undefined) throw new CliError("--rules applies to the single-service demo; the fan-out demo (--services) runs without rules", EXIT_USAGE);
      const rules = o.rules ? (await import("../readRulesFile")).readRulesFile(o.rules, "--rules", (await import("../../runtime/features/defaultFeatureSet")).DEFAULT_FEATURE_SET) : undefined;
      if (o.services !== undefined) {
        const services = o.services;
        const fanProgress = startProgress("planner cycles", { json: o.json });
        if (!o.json) fanProgress.log(`Simulating ${services} services of ${o.tasks} tasks for ${o.days} days (seed ${o.seed}); one model trained on the first service's day 1; ${o.workers} workers.`);
        const fan = await runFanOutDemo({ services, days: o.days, seed: o.seed, tasks: o.tasks, workers: o.workers, onProgress: (d, t) => fanProgress.update(d, t) }).finally(() => fanProgress.stop());
        if (o.json) process.stdout.write(JSON.stringify({ ...fan, workers: o.workers }) + "\n");
        else process.stdout.write(`${formatFanOutDemo(fan, o.workers)}\nin ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        return;
      }
      const progress = startProgress("detect runs", { json: o.json });
      const say = (s: string) => {
        if (!o.json) progress.log(s);
      };
      say(`Simulating service "checkout" with ${o.tasks} tasks for ${o.days} days (seed ${o.seed}); day 1 trains the model.`);

      const result = await runDemo({
        days: o.days,
        seed: o.seed,
        tasks: o.tasks,
        out: o.out,
        weekly: o.weekly,
        ...(rules ? { detectSettings: { rules } } : {}),
        onTrained: (m) =>
          say(
            `Trained the streaming detector on day 1 (${m.detector?.steps ?? 0} steps, ${m.featureSet.metrics.length} metrics, one forest per container name: ${m.detector?.containerNames.join(", ")}; ` +
              `${((m.detector?.expectedAnomalyRate ?? 0) * 100).toFixed(2)} % of its second half graded anomalous).\nStreaming days 2–${o.days} through the detect handler every 5 minutes…\n`,
          ),
        onEvent: (e) => say(describeEvent(e)),
        onProgress: (done, total) => progress.update(done, total),
      }).finally(() => progress.stop());
      if (o.json) {
        process.stdout.write(
          JSON.stringify({
            detected: result.report.matches.filter((m) => m.detectedBy).length,
            injected: result.report.matches.length,
            falseAlerts: result.report.falseAlerts.length,
            scalingActions: result.scalingActions.length,
            matches: result.report.matches.map((m) => ({ kind: m.truth.kind, detected: !!m.detectedBy, as: m.detectedBy?.kind, minutesToDetect: m.minutesToDetect })),
            runs: result.runs,
            rowsScored: result.rowsScored,
            files: result.files,
          }) + "\n",
        );
        return;
      }
      say("\n" + formatDemoTable(result));
      say(`\n${result.runs} handler runs, ${result.rowsScored} rows scored in ${((Date.now() - t0) / 1000).toFixed(1)} s. Alerts: ${result.files.alerts}`);
      say(`Report: ${result.files.report}   Simulated metrics (feature rows): ${result.files.metrics}   Ground truth: ${result.files.truth}`);
      say(`Next: npx cad train --input ${result.files.metrics} --out out/model.json`);
    });
}
