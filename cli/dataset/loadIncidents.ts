import type { IncidentWindow } from "../../training/buildDataset";
import { CliError, EXIT_USAGE } from "../cliError";
import { readJsonFile } from "./readJsonFile";

/** The incidents file `cad dataset simulate` writes and `cad dataset build --incidents` reads. */
export const INCIDENTS_FILE = "incidents.json";

/**
 * Reads an incidents file: a JSON array of `{service, from, to, container?}` with ISO-8601 times.
 *
 * @throws CliError naming the file and the entry at fault.
 */
export function loadIncidents(file: string): IncidentWindow[] {
  const raw = readJsonFile(file, "--incidents");
  if (!Array.isArray(raw)) throw new CliError(`${file}: expected a JSON array of {service, from, to, container?}`, EXIT_USAGE);
  return raw.map((e: unknown, i) => {
    const entry = e as Record<string, unknown> | null;
    const at = `${file}: entry ${i}`;
    if (entry === null || typeof entry !== "object") throw new CliError(`${at}: expected an object`, EXIT_USAGE);
    if (typeof entry.service !== "string" || entry.service === "") throw new CliError(`${at}: "service" must be a non-empty string`, EXIT_USAGE);
    const time = (field: "from" | "to"): number => {
      const v = entry[field];
      const ms = typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) throw new CliError(`${at}: "${field}" must be an ISO-8601 time like 2026-01-06T16:00:00Z, got ${JSON.stringify(v)}`, EXIT_USAGE);
      return ms;
    };
    const window: IncidentWindow = { service: entry.service, from: time("from"), to: time("to") };
    if (entry.container === undefined) return window;
    if (typeof entry.container !== "string" || entry.container === "") throw new CliError(`${at}: "container" must be a non-empty string when given`, EXIT_USAGE);
    return { ...window, container: entry.container };
  });
}
