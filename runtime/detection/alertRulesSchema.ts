import * as v from "valibot";
import { issuePath } from "../errors/parseWithSchema";
import { SchemaError } from "../errors/parseWithSchema";
import { describeInput } from "../errors/quoteInput";
import type { AlertRules } from "./alertRules";
import { serviceCalendarsInput, serviceCalendarsSchema } from "./serviceCalendarSchema";
import { strictFields } from "./strictFields";
import { isTimeZone, WEEKDAYS, type MaintenanceWindow, type Weekday } from "./maintenanceWindows";

/**
 * The one schema of alert rules: the stack config's `rules` key and the CLI's `--rules FILE` both parse with it.
 * Messages say what a valid value looks like (the stack config prints them after "expected"); objects are strict,
 * so a misspelt key is an error naming the known ones.
 */

const strict = strictFields;

function nonNegative(what: string) {
  return v.pipe(v.number(what), v.finite(what), v.minValue(0, what));
}

/** The schema, built when called (at cold start in a Lambda, when the rules are parsed). */
export function alertRulesSchema() {
  const name = v.pipe(v.string("a name of letters, digits, '.', '_' or '-'"), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a name of letters, digits, '.', '_' or '-' (at most 64)"));
  const mode = v.optional(v.picklist(["suppress", "tag"], '"suppress" or "tag"'), "suppress");
  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
  const instantWhat = 'an ISO 8601 time with its offset, e.g. "2026-12-24T18:00:00Z" or "2026-12-24T19:00+01:00"';
  const instant = v.pipe(v.string(instantWhat), v.regex(ISO, instantWhat), v.check((s) => Number.isFinite(Date.parse(s)), instantWhat));

  const metricRule = strict(
    {
      metric: v.pipe(v.string("a metric name of the feature set"), v.nonEmpty("a metric name of the feature set")),
      minAbsolute: v.optional(nonNegative("a number >= 0 in the metric's unit")),
      minRelative: v.optional(nonNegative("a number >= 0 (0.2 = 20 % of the expected value)")),
      direction: v.optional(v.picklist(["up", "down", "both"], '"up", "down" or "both"')),
    },
    "a metric rule {metric, minAbsolute?, minRelative?, direction?}",
  );

  const onceWindow = v.pipe(
    strict({ kind: v.literal("once"), name, mode, start: instant, end: instant }, 'a one-off window {kind: "once", name, start, end, mode?}'),
    v.forward(
      v.check((w) => Date.parse(w.end) > Date.parse(w.start), "a time after start"),
      ["end"],
    ),
  );

  const dayWhat = `a list of weekdays (${WEEKDAYS.join(", ")})`;
  const weeklyWindow = strict(
    {
      kind: v.literal("weekly"),
      name,
      mode,
      days: v.pipe(v.array(v.picklist(WEEKDAYS, dayWhat), dayWhat), v.minLength(1, dayWhat)),
      at: v.pipe(v.string('a local time "HH:MM"'), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time "HH:MM" (00:00 to 23:59)')),
      durationMinutes: v.pipe(v.number("whole minutes from 1 to 10080 (a week)"), v.integer("whole minutes from 1 to 10080 (a week)"), v.minValue(1, "whole minutes from 1 to 10080 (a week)"), v.maxValue(7 * 24 * 60, "whole minutes from 1 to 10080 (a week)")),
      timeZone: v.pipe(v.string('an IANA time zone, e.g. "Europe/Berlin"'), v.check(isTimeZone, 'an IANA time zone, e.g. "Europe/Berlin"')),
    },
    'a weekly window {kind: "weekly", name, days, at, durationMinutes, timeZone, mode?}',
  );

  const windowWhat = 'a window with kind "once" or "weekly"';
  const maintenanceWindow = v.pipe(v.custom<Record<string, unknown>>((x) => typeof x === "object" && x !== null && !Array.isArray(x), windowWhat), v.variant("kind", [onceWindow, weeklyWindow], windowWhat));

  return v.pipe(
    strict(
      {
        metrics: v.optional(v.array(metricRule, "a list of metric rules"), []),
        maintenance: v.optional(v.array(maintenanceWindow, "a list of maintenance windows"), []),
        onDeployment: v.optional(v.picklist(["alert", "tag", "hold"], '"alert", "tag" or "hold"'), "alert"),
        calendars: v.optional(serviceCalendarsSchema(), []),
      },
      "rules {metrics?, maintenance?, onDeployment?, calendars?}",
    ),
    v.check((r) => new Set(r.maintenance.map((w) => w.name)).size === r.maintenance.length, "maintenance windows with distinct names"),
    v.transform((r): AlertRules => ({ metrics: r.metrics, maintenance: r.maintenance.map(toWindow), onDeployment: r.onDeployment, ...(r.calendars.length > 0 ? { calendars: r.calendars } : {}) })),
  );
}

type ParsedWindow =
  | { kind: "once"; name: string; mode: "suppress" | "tag"; start: string; end: string }
  | { kind: "weekly"; name: string; mode: "suppress" | "tag"; days: Weekday[]; at: string; durationMinutes: number; timeZone: string };

function toWindow(w: ParsedWindow): MaintenanceWindow {
  if (w.kind === "once") return { name: w.name, mode: w.mode, start: Date.parse(w.start), end: Date.parse(w.end) };
  return { name: w.name, mode: w.mode, days: w.days, at: w.at, durationMinutes: w.durationMinutes, timeZone: w.timeZone };
}

/**
 * The rules in `input`, or one line per problem naming the field: `maintenance[0].timeZone: expected …, got "Mars/Base"`.
 * No exception: each caller words the problems for its own boundary (a CLI flag, a Lambda's environment variable).
 */
export function checkAlertRules(input: unknown): { rules: AlertRules } | { problems: string[] } {
  const result = v.safeParse(alertRulesSchema(), input, { abortPipeEarly: true });
  if (result.success) return { rules: result.output };
  const problems = result.issues.slice(0, 3).map((issue) => {
    const inner = issue.issues?.[0];
    const chosen = inner && issuePath(inner).length > issuePath(issue).length ? inner : issue;
    const path = issuePath(chosen);
    const last = chosen.path?.[chosen.path.length - 1];
    // A key-level issue (unknown key) and a check forwarded to a field show the value at the key.
    const found = last !== undefined && (last.origin === "key" || chosen.type === "check") ? last.value : chosen.input;
    return `${path === "" ? "" : `${path}: `}expected ${chosen.message}, ${found === undefined ? "but it is not set" : `got ${describeInput(found)}`}`;
  });
  return { problems };
}

/** Parses alert rules, or throws a SchemaError naming `where` and the field. */
export function parseAlertRules(input: unknown, where: string): AlertRules {
  const checked = checkAlertRules(input);
  if ("rules" in checked) return checked.rules;
  throw new SchemaError(where, checked.problems);
}

/** The same rules in the shape the schema reads (the stack config hands them to the detect Lambda this way). */
export function alertRulesInput(rules: AlertRules): unknown {
  return {
    metrics: rules.metrics,
    maintenance: rules.maintenance.map((w) => ("start" in w ? { kind: "once", ...w, start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() } : { kind: "weekly", ...w })),
    onDeployment: rules.onDeployment,
    ...(rules.calendars && rules.calendars.length > 0 ? { calendars: serviceCalendarsInput(rules.calendars) } : {}),
  };
}
