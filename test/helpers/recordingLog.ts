import type { Log } from "../../runtime/ports";

export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A Log that keeps every entry, for asserting what was logged (and what was not). */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: "debug", message, fields });
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: "info", message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: "warn", message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: "error", message, fields });
  }
  /** Everything logged, serialised: for "never contains X" assertions. */
  text(): string {
    return JSON.stringify(this.entries);
  }
}
