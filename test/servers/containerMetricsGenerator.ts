import { Random } from "../../runtime/model/random";

/**
 * Deterministic container metrics for the loopback Splunk and Dynatrace servers (and `cad collect --test`).
 *
 * Every value is a pure function of (seed, service, container, metric, step start), so a server answers the
 * same query with the same numbers no matter how it is paged or repeated, and two servers given the same
 * seed report the same "truth" for a metric (which is what the merge tests rely on).
 */
export interface GeneratedFleet {
  readonly seed: number;
  /** Services the servers know, each with `containersPerService` containers. */
  readonly services: readonly string[];
  readonly containersPerService: number;
}

/** FNV-1a 32-bit hash, used to derive independent sub-seeds from names. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Container ids of a service: 12 hex digits derived from the seed (the shape of Docker short ids). */
export function containerIdsOf(fleet: GeneratedFleet, service: string): string[] {
  const rnd = new Random(hash32(`${fleet.seed}/${service}`));
  return Array.from({ length: fleet.containersPerService }, () =>
    Array.from({ length: 12 }, () => "0123456789abcdef"[rnd.int(16)]).join(""),
  );
}

/** Typical scale of a metric, from its name: CPU in percent, memory in bytes, network in bytes per second. */
function baseline(metric: string): number {
  if (/cpu/i.test(metric)) return 35;
  if (/mem/i.test(metric)) return 256 * 1024 * 1024;
  if (/net|rx|tx/i.test(metric)) return 120_000;
  return 50;
}

/**
 * The value of `metric` for one container at the step starting at `stepStartMs`: a daily-ish sine around the
 * metric's baseline with ±5 % seeded noise, rounded to 3 decimals (the precision sources report).
 */
export function generatedValue(fleet: GeneratedFleet, service: string, container: string, metric: string, stepStartMs: number): number {
  const base = baseline(metric) * (1 + (hash32(`${service}/${container}/${metric}`) % 100) / 200);
  const wave = 1 + 0.2 * Math.sin((2 * Math.PI * stepStartMs) / (6 * 3600_000));
  const noise = 1 + 0.1 * (new Random(hash32(`${fleet.seed}/${service}/${container}/${metric}/${stepStartMs}`)).next() - 0.5);
  return Math.round(base * wave * noise * 1000) / 1000;
}

/** Step starts in [fromMs, toMs) for a step of `stepMs`, aligned to multiples of the step. */
export function stepsIn(fromMs: number, toMs: number, stepMs: number): number[] {
  const steps: number[] = [];
  for (let t = Math.ceil(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) steps.push(t);
  return steps;
}
