import type { MetricSample } from "../types";

/** How many samples each source contributed and how many of its samples lost to a higher-priority source. */
export interface MergeReport {
  /** Samples kept per source name. */
  readonly kept: Readonly<Record<string, number>>;
  /** Samples dropped per source name because a higher-priority source reported the same key. */
  readonly overridden: Readonly<Record<string, number>>;
  /** Overridden samples whose value differed from the winner's by more than 1 % (worth a look). */
  readonly disagreements: number;
}

/**
 * Joins the samples of several sources into one set with at most one sample per
 * (service, container, metric, step).
 *
 * Precedence rule: sources are listed in priority order (first wins). When two sources report the same
 * metric of the same container in the same step, the sample of the earlier source is kept and the later
 * one is dropped and counted as overridden; a metric only one source reports is taken from that source.
 * So `[splunk, dynatrace]` means "Splunk's numbers where Splunk has them, Dynatrace fills the rest".
 * Within one source nothing is dropped here (several samples in a step are averaged later by alignment).
 *
 * @param stepMs step length in ms: samples are matched by the step their timestamp falls in.
 * @returns the kept samples, in source priority order then input order.
 */
export function mergeSources(bySource: readonly { readonly name: string; readonly samples: readonly MetricSample[] }[], stepMs: number): { samples: MetricSample[]; report: MergeReport } {
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new Error(`mergeSources: stepMs must be a positive number, got ${stepMs}`);
  const names = bySource.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`mergeSources: source "${dup}" is listed twice; priority must be unambiguous`);

  /** key → [owning source index, a value of the owner in that step] */
  const owner = new Map<string, { source: number; value: number }>();
  const kept: Record<string, number> = {};
  const overridden: Record<string, number> = {};
  let disagreements = 0;
  const out: MetricSample[] = [];
  bySource.forEach(({ name, samples }, sourceIndex) => {
    kept[name] = 0;
    overridden[name] = 0;
    for (const s of samples) {
      const key = `${s.service}\u0000${s.container}\u0000${s.metric}\u0000${Math.floor(s.timestamp / stepMs)}`;
      const current = owner.get(key);
      if (current === undefined) owner.set(key, { source: sourceIndex, value: s.value });
      else if (current.source !== sourceIndex) {
        overridden[name]++;
        const scale = Math.max(Math.abs(current.value), Math.abs(s.value), Number.MIN_VALUE);
        if (Math.abs(current.value - s.value) / scale > 0.01) disagreements++;
        continue;
      }
      kept[name]++;
      out.push(s.source === name ? s : { ...s, source: name });
    }
  });
  return { samples: out, report: { kept, overridden, disagreements } };
}
