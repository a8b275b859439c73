import * as v from "valibot";

/**
 * A strict object schema for operators' files (alert rules, calendars): a misspelt key is an error naming the
 * known ones; a missing required field says so; any other problem says `what` a valid value looks like.
 */
export function strictFields<const T extends v.ObjectEntries>(entries: T, what: string) {
  const known = Object.keys(entries).join(", ");
  return v.strictObject(entries, (issue) => {
    if (issue.expected === "never") return `one of the known fields: ${known}`;
    return issue.input === undefined ? "a value (the field is required)" : what;
  });
}
