import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { incidentEventProblems } from "../../detection/incidentEventSchema";
import { deadLetterText, incidentIdOf, PoisonEventError } from "../../errors/PoisonEventError";
import type { AlertSink } from "../../ports";
import type { IncidentEvent } from "../../types";
import { errorMessage } from "../../errors/errorMessage";

/** Most characters of a malformed event written to the dead-letter file. */
const MAX_DEAD_LETTER_CHARS = 1_000_000;

/** `alerts.jsonl` → `alerts.dead-letter.jsonl`. */
export function deadLetterFileFor(file: string): string {
  return file.endsWith(".jsonl") ? `${file.slice(0, -".jsonl".length)}.dead-letter.jsonl` : `${file}.dead-letter.jsonl`;
}

/**
 * Appends each incident event as one JSON line to a local file (the demo's and backtest's alert log). A malformed
 * event (one that fails the incident-event schema or cannot be written as JSON) goes to the dead-letter file
 * instead, as `{"reason": …, "event": …}`, and the send rejects with PoisonEventError so the caller counts it and
 * moves on.
 */
export class JsonlAlertSink implements AlertSink {
  constructor(
    private readonly file: string,
    readonly deadLetterFile: string = deadLetterFileFor(file),
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  async send(event: IncidentEvent): Promise<void> {
    let problems = incidentEventProblems(event);
    let line: string | undefined;
    if (!problems) {
      try {
        line = JSON.stringify(event);
      } catch (err) {
        problems = [`cannot be written as JSON: ${errorMessage(err)}`];
      }
    }
    if (problems || line === undefined) {
      const reasons = problems ?? ["cannot be written as JSON"];
      mkdirSync(dirname(this.deadLetterFile), { recursive: true });
      appendFileSync(this.deadLetterFile, `{"reason":${JSON.stringify(reasons.join("; "))},"event":${wrapJson(deadLetterText(event, MAX_DEAD_LETTER_CHARS))}}\n`);
      throw new PoisonEventError(`alert event of ${incidentIdOf(event)} is malformed (${reasons.join("; ")}); written to ${this.deadLetterFile}`, this.deadLetterFile, reasons);
    }
    appendFileSync(this.file, line + "\n");
  }
}

/** Embeds `text` as JSON when it is JSON, else as a JSON string. */
function wrapJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
