import { FileStateStore } from "../../runtime/adapters/local/FileStateStore";
import { describeMetric } from "../../runtime/detection/describeMetric";
import { feedbackFor, LARGER_DEVIATION_FACTOR, type FeedbackRecord, type FeedbackVerdict } from "../../runtime/detection/feedback";
import { detectorStateKey } from "../../runtime/handlers/detectorState";
import { knownIncidents, serviceOfIncidentId } from "../../runtime/handlers/knownIncidents";
import { feedbackKey, recordFeedback, removeFeedback } from "../../runtime/handlers/feedbackStore";
import type { StateStore } from "../../runtime/ports";
import { CliError, EXIT_USAGE } from "../cliError";

/** The options of `cad feedback`, as commander parses them. */
export interface FeedbackCliOptions {
  incident: string;
  /** Exactly one of `verdict` (mark) and `remove` (take the mark back). */
  verdict?: FeedbackVerdict;
  remove?: boolean;
  note?: string;
  state?: string;
  bucket?: string;
  prefix: string;
  region?: string;
  json?: boolean;
}

/**
 * What `cad feedback` did (printed with --json): the mark it stored (`record`) or, with --remove, the mark it took
 * back (`removed`); where, and how many marks the service holds now.
 */
export type FeedbackResult = ({ readonly record: FeedbackRecord } | { readonly removed: FeedbackRecord }) & { readonly key: string; readonly where: string; readonly records: number; readonly message: string };

async function storeOf(o: FeedbackCliOptions): Promise<{ store: StateStore; where: string }> {
  if ((o.state === undefined) === (o.bucket === undefined)) throw new CliError("give exactly one of --state <dir> (a local state directory) or --bucket <name> (the deployment's bucket)", EXIT_USAGE);
  // `where` ends with "/" as the bucket's does: messages append the key to it.
  if (o.state !== undefined) return { store: new FileStateStore({ dir: o.state }), where: o.state.endsWith("/") ? o.state : `${o.state}/` };
  const [{ S3Client }, { S3StateStore }] = await Promise.all([import("@aws-sdk/client-s3"), import("../../runtime/adapters/s3/S3StateStore")]);
  const bucket = o.bucket as string;
  return { store: new S3StateStore({ client: new S3Client(o.region ? { region: o.region } : {}), bucket, prefix: o.prefix }), where: `s3://${bucket}/${o.prefix}` };
}

/**
 * Runs `cad feedback`: finds the incident in its service's detector state and stores the mark next to it; with
 * --remove, takes the service's mark on that incident back (the incident need not be in the state any more).
 */
export async function giveFeedback(o: FeedbackCliOptions): Promise<FeedbackResult> {
  const service = serviceOfIncidentId(o.incident);
  if (service === undefined) throw new CliError(`--incident "${o.incident.slice(0, 120)}" is not an incident id: expected <service>:<start as ISO 8601 UTC>, e.g. checkout:2026-01-06T10:00:00.000Z`, EXIT_USAGE);
  if ((o.verdict === undefined) === (o.remove !== true)) throw new CliError("give exactly one of --verdict <false-alarm|real|expected> (mark the incident) or --remove (take its mark back)", EXIT_USAGE);
  if (o.note !== undefined && o.verdict === undefined) throw new CliError("--note goes with a --verdict (a removed mark keeps no note)", EXIT_USAGE);
  if (o.note !== undefined && o.note.length > 1000) throw new CliError(`--note is ${o.note.length} characters long; at most 1000`, EXIT_USAGE);
  const { store, where } = await storeOf(o);
  if (o.verdict === undefined) return removeMark(store, where, service, o.incident);
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

async function removeMark(store: StateStore, where: string, service: string, incidentId: string): Promise<FeedbackResult> {
  const { removed, memory } = await removeFeedback(store, service, incidentId);
  if (!removed) {
    const newest = memory.records.slice(-10).map((r) => r.incidentId);
    const listed = newest.length === 0 ? "it holds none" : `its newest: ${newest.join(", ")}`;
    throw new CliError(`no mark on incident "${incidentId}" in ${where}${feedbackKey(service)} (${memory.records.length} mark(s) for ${service}; ${listed})`, EXIT_USAGE);
  }
  const message = `removed the ${removed.verdict} mark on ${incidentId} (${where}${feedbackKey(service)}, ${memory.records.length} mark(s) left for ${service})\nfrom the next detect run, anomalies of its pattern count toward incidents as they did before the mark`;
  return { removed, key: feedbackKey(service), where, records: memory.records.length, message };
}
