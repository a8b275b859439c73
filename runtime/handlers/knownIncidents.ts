import type { StateStore } from "../ports";
import type { Incident } from "../types";
import { decodeServiceState, detectorStateKey } from "./detectorState";

/** The service of an incident id `<service>:<ISO start>`, or undefined when the id does not have that shape. */
export function serviceOfIncidentId(id: string): string | undefined {
  const m = /^(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/.exec(id);
  return m && Number.isFinite(Date.parse(m[2])) ? m[1] : undefined;
}

/**
 * The incidents a service's detector state still holds: the open one, the last resolved one, and those of alerts
 * still waiting in the outbox; undefined when the service has no state. Throws naming the key for a state that
 * cannot be read.
 */
export async function knownIncidents(store: StateStore, service: string, where = ""): Promise<Incident[] | undefined> {
  const key = detectorStateKey(service);
  const loaded = await store.loadBytes(key);
  if (!loaded) return undefined;
  const state = decodeServiceState(loaded.value, `${where}${key}`);
  const out = new Map<string, Incident>();
  for (const i of [state.tracker.open?.incident, state.tracker.lastResolved]) if (i) out.set(i.id, i);
  for (const e of state.outbox) {
    const incident = (e as { incident?: Incident } | null)?.incident;
    if (incident && typeof incident.id === "string" && !out.has(incident.id)) out.set(incident.id, incident);
  }
  return [...out.values()];
}
