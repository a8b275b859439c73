import { Command, Option } from "commander";
import { parseBucketName } from "../bucketName";
import type { FeedbackCliOptions } from "../feedback/giveFeedback";
import { inputFolder } from "../inputPath";

/** `cad feedback`: mark an incident false-alarm, real or expected, next to the detector's state. */
export function feedbackCommand(): Command {
  return new Command("feedback")
    .description(
      "mark an incident as a false alarm, a real problem or something expected; the detector reads the mark at its next run: a false alarm or an expected incident stops the same pattern (same service, container names, leading metrics and directions) from alerting unless it is at least 3x larger, and a real one keeps it alerting even when alert rules would quiet it. --remove takes a mark back",
    )
    .requiredOption("--incident <id>", "the incident id, as the alert gives it (e.g. checkout:2026-01-06T10:00:00.000Z)")
    .addOption(new Option("--verdict <verdict>", "what the incident was (or give --remove)").choices(["false-alarm", "real", "expected"]))
    .addOption(new Option("--remove", "take back the mark on this incident (given by mistake): its pattern alerts again as before the mark").conflicts(["verdict", "note"]))
    .option("--note <text>", "why, for the next person on call (kept with the mark, at most 1000 characters)")
    .option("--state <dir>", "a local state directory (the detector state of the CLI's file store)", inputFolder("--state"))
    .option("--bucket <name>", "the deployment's S3 bucket (the alert's command names it)", parseBucketName("--bucket"))
    .option("--prefix <prefix>", "the state prefix in the bucket", "state/")
    .option("--region <region>", "AWS region of the bucket (default: AWS_REGION)")
    .option("--json", "print the stored (or removed) mark as JSON")
    .addHelpText(
      "after",
      "\nTo mark, the incident must be the open or the last resolved incident of its service (the detector state keeps those);\n--remove takes back a mark on any incident the service's marks hold.\nExit codes: 0 stored or removed, 1 the store failed, 2 usage (bad option, unknown incident, no mark to remove).\n\nExamples:\n  cad feedback --incident 'checkout:2026-01-06T10:00:00.000Z' --verdict false-alarm --note 'nightly batch' --bucket my-cad-bucket\n  cad feedback --incident 'checkout:2026-01-06T10:00:00.000Z' --remove --bucket my-cad-bucket\n",
    )
    .action(async (o: FeedbackCliOptions) => {
      // The state decoding and the AWS SDK load only when the command runs: --help stays quick.
      const { giveFeedback } = await import("../feedback/giveFeedback");
      const result = await giveFeedback(o);
      process.stdout.write(o.json ? JSON.stringify(result) + "\n" : result.message + "\n");
    });
}
