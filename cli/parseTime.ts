import { CliError, EXIT_USAGE } from "./cliError";

/**
 * Epoch ms of `now`, a relative time (`-24h`, `-30m`, `-7d`, `-90s`) or an ISO-8601 timestamp.
 *
 * @throws CliError (usage) naming the option.
 */
export function parseTime(text: string, now: number, option: string): number {
  const t = text.trim();
  if (t === "now") return now;
  const rel = /^-(\d+)([smhd])$/.exec(t);
  if (rel) return now - Number(rel[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as "s" | "m" | "h" | "d"];
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new CliError(`${option} must be "now", a relative time like -24h / -30m / -7d, or an ISO-8601 timestamp; got "${text}"`, EXIT_USAGE);
}
