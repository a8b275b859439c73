import type { Log } from "../../runtime/ports";

export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A Log that keeps every entry, so tests can assert that skips and warnings were reported. */
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
  /** Entries at `level` whose message contains `text`. */
  find(level: LogEntry["level"], text: string): LogEntry[] {
    return this.entries.filter((e) => e.level === level && e.message.includes(text));
  }
}
