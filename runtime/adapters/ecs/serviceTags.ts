/**
 * What an ECS service's tags say about watching it: whether it matches the directory's tag filter, whether its
 * owners opted out (`cad:watch=false`), and its own scaling bounds (`cad:min-tasks`, `cad:max-tasks`). Pure; the tag
 * values are validated with valibot, and a malformed one is reported (tag, value, what was expected) rather than
 * guessed at.
 */
import * as v from "valibot";

/** The tags this project reads on an ECS service. */
export const SERVICE_TAGS = {
  /** `false` leaves the service out; `true` (or no tag) watches it. */
  watch: "cad:watch",
  /** Fewest tasks a restore may leave (integer 0–1000); overrides the directory's default. */
  minTasks: "cad:min-tasks",
  /** Most tasks a scale-out may reach (integer 1–1000); overrides the directory's default. */
  maxTasks: "cad:max-tasks",
} as const;

/** Inclusive scaling bounds, tasks. */
export interface TaskBounds {
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** One tag as ECS returns it (both fields optional in the SDK's type). */
export interface ServiceTag {
  readonly key?: string;
  readonly value?: string;
}

/** The verdict on one service's tags. */
export type TagVerdict =
  | { readonly kind: "watch"; readonly bounds: TaskBounds }
  | { readonly kind: "excluded"; readonly why: string }
  | { readonly kind: "invalid"; readonly tag: string; readonly value: string; readonly expected: string };

/** Integer text in [min, max], e.g. "4": what a bounds tag holds. */
function countText(min: number, max: number) {
  const what = `an integer from ${min} to ${max}`;
  return v.pipe(v.string(), v.regex(/^\d{1,4}$/, what), v.transform(Number), v.minValue(min, what), v.maxValue(max, what));
}

const watchSchema = v.picklist(["true", "false"], '"true" or "false"');

function parseTag<T>(schema: v.GenericSchema<string, T>, tag: string, value: string | undefined): { ok: true; value: T | undefined } | { ok: false; verdict: TagVerdict } {
  if (value === undefined) return { ok: true, value: undefined };
  const parsed = v.safeParse(schema, value);
  return parsed.success ? { ok: true, value: parsed.output } : { ok: false, verdict: { kind: "invalid", tag, value, expected: parsed.issues[0].message } };
}

/**
 * Reads one service's tags. `filter` lists tags that must all be present with exactly these values (empty: every
 * service); `defaults` are the bounds of a service without bounds tags. A tag filter mismatch or `cad:watch=false`
 * excludes; a malformed `cad:*` value, or bounds whose min exceeds their max, makes the verdict `invalid`.
 */
export function readServiceTags(tags: readonly ServiceTag[], filter: Readonly<Record<string, string>>, defaults: TaskBounds): TagVerdict {
  const byKey = new Map<string, string>();
  for (const t of tags) if (t.key !== undefined) byKey.set(t.key, t.value ?? "");
  for (const [key, value] of Object.entries(filter)) {
    if (byKey.get(key) !== value) return { kind: "excluded", why: `tag ${key}=${value} not present` };
  }
  const watch = parseTag(watchSchema, SERVICE_TAGS.watch, byKey.get(SERVICE_TAGS.watch));
  if (!watch.ok) return watch.verdict;
  if (watch.value === "false") return { kind: "excluded", why: `tagged ${SERVICE_TAGS.watch}=false` };
  const min = parseTag(countText(0, 1000), SERVICE_TAGS.minTasks, byKey.get(SERVICE_TAGS.minTasks));
  if (!min.ok) return min.verdict;
  const max = parseTag(countText(1, 1000), SERVICE_TAGS.maxTasks, byKey.get(SERVICE_TAGS.maxTasks));
  if (!max.ok) return max.verdict;
  const bounds = { minTasks: min.value ?? defaults.minTasks, maxTasks: max.value ?? defaults.maxTasks };
  if (bounds.minTasks > bounds.maxTasks) {
    // Name the tag that was set: with both set, the max is the one to compare against.
    const [tag, value, expected] =
      max.value !== undefined
        ? [SERVICE_TAGS.maxTasks, String(max.value), `an integer >= the service's minTasks (${bounds.minTasks}${min.value === undefined ? ", the default" : ""})`]
        : [SERVICE_TAGS.minTasks, String(min.value), `an integer <= the service's maxTasks (${bounds.maxTasks}, the default)`];
    return { kind: "invalid", tag, value, expected };
  }
  return { kind: "watch", bounds };
}
