import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { AlertSink } from "../../ports";
import type { IncidentEvent } from "../../types";

/** Appends each incident event as one JSON line to a local file (the demo's and backtest's alert log). */
export class JsonlAlertSink implements AlertSink {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  async send(event: IncidentEvent): Promise<void> {
    appendFileSync(this.file, JSON.stringify(event) + "\n");
  }
}
