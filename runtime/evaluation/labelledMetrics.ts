/**
 * Precision, recall and F1 of alerts against 0/1 labels, point-wise and event-wise, WITHOUT point adjustment
 * (an alert counts only for the row it is on).
 *
 * Event-wise: every maximal run of labelled rows is one event, found if at least one of its rows is alerted;
 * every maximal run of alerted rows that touches no labelled row is one false event.
 */

export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export interface Prf {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
}

/** Throws unless there is one alert decision per label. */
export function checkLengths(alerts: readonly boolean[], labels: readonly number[]): void {
  if (alerts.length !== labels.length) throw new Error(`${alerts.length} alerts for ${labels.length} labels`);
}

export function pointCounts(alerts: readonly boolean[], labels: readonly number[]): Counts {
  checkLengths(alerts, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (alerts[i] && labels[i]) tp++;
    else if (alerts[i]) fp++;
    else if (labels[i]) fn++;
  }
  return { tp, fp, fn };
}

/** Maximal runs [start, end] (inclusive, indices in 0..n-1) where `flag(i)` holds, in order. */
export function maximalRuns(n: number, flag: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; ) {
    if (!flag(i)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && flag(i)) i++;
    out.push([start, i - 1]);
  }
  return out;
}

export function eventCounts(alerts: readonly boolean[], labels: readonly number[]): Counts {
  checkLengths(alerts, labels);
  let tp = 0;
  let fn = 0;
  for (const [a, b] of maximalRuns(labels.length, (i) => labels[i] === 1)) {
    let found = false;
    for (let i = a; i <= b && !found; i++) found = alerts[i];
    if (found) tp++;
    else fn++;
  }
  let fp = 0;
  for (const [a, b] of maximalRuns(alerts.length, (i) => alerts[i])) {
    let touches = false;
    for (let i = a; i <= b && !touches; i++) touches = labels[i] === 1;
    if (!touches) fp++;
  }
  return { tp, fp, fn };
}

/**
 * The best point-wise F1 over all thresholds "score ≥ t" (for reference: it needs the labels to choose t).
 * `entities` are scored together at one threshold.
 */
export function bestPointF1(entities: readonly { scores: readonly number[]; labels: readonly number[] }[]): { threshold: number } & Prf {
  const rows: [number, number][] = [];
  let positives = 0;
  for (const e of entities) {
    if (e.scores.length !== e.labels.length) throw new Error(`${e.scores.length} scores for ${e.labels.length} labels`);
    e.scores.forEach((s, i) => rows.push([s, e.labels[i]]));
    positives += e.labels.reduce((s, l) => s + (l ? 1 : 0), 0);
  }
  rows.sort((a, b) => b[0] - a[0]);
  let best = { threshold: Infinity, precision: 0, recall: 0, f1: 0 };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < rows.length; ) {
    const t = rows[i][0];
    for (; i < rows.length && rows[i][0] === t; i++) {
      if (rows[i][1]) tp++;
      else fp++;
    }
    const m = prf({ tp, fp, fn: positives - tp });
    if (m.f1 > best.f1) best = { threshold: t, ...m };
  }
  return best;
}
