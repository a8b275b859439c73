import { FileStateStore } from "../../runtime/adapters/local/FileStateStore";
import { describeMetric } from "../../runtime/detection/describeMetric";
import { feedbackFor, LARGER_DEVIATION_FACTOR, type FeedbackRecord, type FeedbackVerdict } from "../../runtime/detection/feedback";
import { detectorStateKey } from "../../runtime/handlers/detectorState";
import { knownIncidents, serviceOfIncidentId } from "../../runtime/handlers/knownIncidents";
import { feedbackKey, recordFeedback } from "../../runtime/handlers/feedbackStore";
import type { StateStore } from "../../runtime/ports";
import { CliError, EXIT_USAGE } from "../cliError";

/** The options of `cad feedback`, as commander parses them. */
export interface FeedbackCliOptions {
  incident: string;
  verdict: FeedbackVerdict;
  note?: string;
  state?: string;
  bucket?: string;
  prefix: string;
  region?: string;
  json?: boolean;
}

/** What `cad feedback` stored: the mark, where, and the service's marks now (printed with --json). */
export interface FeedbackResult {
  readonly record: FeedbackRecord;
  readonly key: string;
  readonly where: string;
  readonly records: number;
  readonly message: string;
}

async function storeOf(o: FeedbackCliOptions): Promise<{ store: StateStore; where: string }> {
  if ((o.state === undefined) === (o.bucket === undefined)) throw new CliError("give exactly one of --state <dir> (a local state directory) or --bucket <name> (the deployment's bucket)", EXIT_USAGE);
  if (o.state !== undefined) return { store: new FileStateStore({ dir: o.state }), where: o.state };
  const [{ S3Client }, { S3StateStore }] = await Promise.all([import("@aws-sdk/client-s3"), import("../../runtime/adapters/s3/S3StateStore")]);
  const bucket = o.bucket as string;
  return { store: new S3StateStore({ client: new S3Client(o.region ? { region: o.region } : {}), bucket, prefix: o.prefix }), where: `s3://${bucket}/${o.prefix}` };
}

/** Runs `cad feedback`: finds the incident in its service's detector state and stores the mark next to it. */
export async function giveFeedback(o: FeedbackCliOptions): Promise<FeedbackResult> {
  const service = serviceOfIncidentId(o.incident);
  if (service === undefined) throw new CliError(`--incident "${o.incident.slice(0, 120)}" is not an incident id: expected <service>:<start as ISO 8601 UTC>, e.g. checkout:2026-01-06T10:00:00.000Z`, EXIT_USAGE);
  if (o.note !== undefined && o.note.length > 1000) throw new CliError(`--note is ${o.note.length} characters long; at most 1000`, EXIT_USAGE);
  const { store, where } = await storeOf(o);
  const known = await knownIncidents(store, service, where);
  if (known === undefined) throw new CliError(`no detector state for service "${service}" in ${where} (${detectorStateKey(service)}): is the incident id right, and is this the deployment's state?`, EXIT_USAGE);
  const incident = known.find((i) => i.id === o.incident);
  if (!incident) {
    const listed = known.length > 0 ? `it knows ${known.map((i) => i.id).join(", ")}` : "it knows no incident";
    throw new CliError(`unknown incident "${o.incident}": the detector state of service "${service}" keeps its open and last resolved incident, and ${listed}`, EXIT_USAGE);
  }
  const record = feedbackFor(incident, o.verdict, Date.now(), o.note);
  const memory = await recordFeedback(store, record);
  const pattern = record.pattern.metrics.map((m) => `${m.metric} ${m.direction} (${describeMetric({ ...m, role: "other" })})`).join("; ");
  const names = record.pattern.containerNames.map((n) => n || "unnamed").join(", ");
  const effect =
    record.verdict === "real"
      ? "from the next detect run, anomalies of this pattern count toward incidents even when metric rules or other marks would leave them out"
      : `from the next detect run, anomalies of this pattern are left out of incidents unless their leading metric is at least ${LARGER_DEVIATION_FACTOR}x as far from its expected value`;
  const message = `marked ${incident.id} as ${record.verdict} (${where}${feedbackKey(service)}, ${memory.records.length} mark(s) for ${service})\npattern: ${incident.kind} on ${names}: ${pattern}\n${effect}`;
  return { record, key: feedbackKey(service), where, records: memory.records.length, message };
}
