import { Command, Option } from "commander";
import { COLLECT_ENV_HELP } from "../collectEnvHelp";
import type { CollectOptions } from "../collect/runCollect";

/** `cad collect`: pulls container metrics from Splunk and/or Dynatrace into a feature-row CSV. */
export function collectCommand(): Command {
  return new Command("collect")
    .description("collect container metrics from Splunk and/or Dynatrace into a feature-row CSV (--test: against built-in loopback servers)")
    .addOption(new Option("--source <source>", "which source(s) to read; with both, Splunk wins where both report a metric").choices(["splunk", "dynatrace", "both"]).default("both"))
    .option("--service <name...>", "ECS service name(s) to collect (required unless --test)")
    .option("--since <time>", "start: relative (-24h, -30m, -7d) or ISO-8601", "-24h")
    .option("--until <time>", "end (exclusive): now, relative or ISO-8601", "now")
    .option("--out <file>", "write the feature rows as CSV here (e.g. data/metrics.csv)")
    .option("--feature-set <name|file>", "the metrics to collect: \"collect\" (docker_stats names), \"default\" (the detector's awsecscontainermetrics set), or a JSON file holding a feature set (also a model.json or features.json)", "collect")
    .option("--test", "start loopback Splunk (HTTPS) and Dynatrace servers with generated data and run the real clients against them")
    .option("--insecure", "do not verify Splunk's TLS certificate: throw-away test instances only (anyone on the path can read the credentials); warned on every run, refused in the Lambda")
    .option("--verbose", "log debug details to stderr")
    .option("--json", "print one JSON object (window, per-source counts, merge, file written) instead of the table")
    .addHelpText("after", COLLECT_ENV_HELP)
    .action(async (opts: CollectOptions) => {
      // The Splunk and Dynatrace clients (and the loopback servers) load only when the command runs: --help stays quick.
      const { runCollect } = await import("../collect/runCollect");
      await runCollect(opts);
    });
}
