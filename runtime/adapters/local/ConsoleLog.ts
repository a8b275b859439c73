import type { Log } from "../../ports";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A `Log` for the terminal: one JSON line per entry on stderr, at or above `minLevel`. */
export class ConsoleLog implements Log {
  constructor(
    private readonly minLevel: Level = "warn",
    private readonly write: (line: string) => void = (l) => process.stderr.write(l + "\n"),
  ) {}
  debug(message: string, fields?: Record<string, unknown>): void {
    this.emit("debug", message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.emit("info", message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.emit("warn", message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.emit("error", message, fields);
  }
  private emit(level: Level, message: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] >= ORDER[this.minLevel]) this.write(JSON.stringify({ level, message, ...fields }));
  }
}
