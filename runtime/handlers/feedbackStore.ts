import { withFeedback, type FeedbackRecord } from "../detection/feedback";
import { FEEDBACK_MEMORY_FORMAT, parseFeedbackMemory, type FeedbackMemory } from "../detection/feedbackSchema";
import { StateConflictError, type Log, type StateStore } from "../ports";

/**
 * A service's feedback memory next to its detector state: one JSON object per service in the same StateStore
 * (`feedback/<service>.json` beside `detector/<service>.bin`), written with the store's conditional writes.
 */

/** StateStore key of a service's feedback (the service name encoded as in {@link detectorStateKey}). */
export const feedbackKey = (service: string): string => `feedback/${encodeURIComponent(service).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}.json`;

/** The state prefix of a deployment's bucket (infra's BUCKET_PREFIXES.state), the default of `cad feedback --prefix`. */
export const DEFAULT_STATE_PREFIX = "state/";

/** The `cad feedback` options that reach the feedback of a deployment whose state is in `bucket` under `prefix`. */
export function feedbackStoreOptions(bucket: string, prefix: string | undefined): string {
  return `--bucket ${bucket}${prefix !== undefined && prefix !== DEFAULT_STATE_PREFIX ? ` --prefix ${prefix}` : ""}`;
}

/** How often {@link recordFeedback} reloads and retries when another writer saved first. */
export const FEEDBACK_WRITE_ATTEMPTS = 8;

/** The service's stored feedback and its version; an empty memory (no version) when there is none. Throws naming the key for a malformed one. */
export async function loadFeedback(store: StateStore, service: string): Promise<{ memory: FeedbackMemory; version: string | undefined }> {
  const key = feedbackKey(service);
  const loaded = await store.load<unknown>(key);
  if (!loaded) return { memory: { format: FEEDBACK_MEMORY_FORMAT, service, records: [] }, version: undefined };
  const memory = parseFeedbackMemory(loaded.value, key);
  if (memory.service !== service) throw new Error(`${key}: holds the feedback of service "${memory.service}", not "${service}"`);
  return { memory, version: loaded.version };
}

/**
 * Adds `record` to its service's feedback (a newer verdict on the same incident replaces the older one) with a
 * conditional write; when another writer saved in between, reloads and applies the record again, so two feedbacks
 * given together are both kept. Returns the memory as saved.
 *
 * @throws StateConflictError when every attempt lost the race (the caller may retry later).
 */
export async function recordFeedback(store: StateStore, record: FeedbackRecord, attempts = FEEDBACK_WRITE_ATTEMPTS): Promise<FeedbackMemory> {
  for (let attempt = 1; ; attempt++) {
    const { memory, version } = await loadFeedback(store, record.service);
    const next: FeedbackMemory = { ...memory, records: withFeedback(memory.records, record) };
    try {
      await store.save(feedbackKey(record.service), next, version);
      return next;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= attempts) throw err;
    }
  }
}

/** What {@link removeFeedback} did: the mark it took back (none when the service held no mark on that incident) and the memory now. */
export interface FeedbackRemoval {
  readonly removed: FeedbackRecord | undefined;
  readonly memory: FeedbackMemory;
}

/**
 * Takes back the mark on `incidentId` (an on-call engineer who marked the wrong incident): the same conditional
 * write as {@link recordFeedback}, reloading and removing again when another writer saved in between, so a mark
 * given meanwhile on another incident is kept. Writes nothing when the service holds no mark on that incident.
 *
 * @throws StateConflictError when every attempt lost the race (the caller may retry later).
 */
export async function removeFeedback(store: StateStore, service: string, incidentId: string, attempts = FEEDBACK_WRITE_ATTEMPTS): Promise<FeedbackRemoval> {
  for (let attempt = 1; ; attempt++) {
    const { memory, version } = await loadFeedback(store, service);
    const removed = memory.records.find((r) => r.incidentId === incidentId);
    if (!removed) return { removed, memory };
    const next: FeedbackMemory = { ...memory, records: memory.records.filter((r) => r.incidentId !== incidentId) };
    try {
      await store.save(feedbackKey(service), next, version);
      return { removed, memory: next };
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= attempts) throw err;
    }
  }
}

/**
 * The feedback a detect run applies: the stored records, or none when they cannot be read (logged with the reason):
 * a malformed feedback object must not stop detection.
 */
export async function feedbackForRun(store: StateStore, service: string, log: Log): Promise<readonly FeedbackRecord[]> {
  try {
    return (await loadFeedback(store, service)).memory.records;
  } catch (err) {
    log.error("feedback not applied: it cannot be read", { service, key: feedbackKey(service), error: err instanceof Error ? err.message : String(err) });
    return [];
  }
}
