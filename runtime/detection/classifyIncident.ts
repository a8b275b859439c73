import type { IncidentKind, MetricRole } from "../types";

/** What an incident looks like so far, per metric. */
export interface MetricEvidence {
  readonly role: MetricRole;
  /** Summed attribution share over the incident's anomalies. */
  readonly share: number;
  /** The most extreme signed deviation seen, (value − expected) / the metric's spread. */
  readonly extremeZ: number;
  /** The value and the expected value at that most extreme deviation (same unit). */
  readonly extremeValue?: number;
  readonly expected?: number;
}

/** A z-score beyond which a metric is clearly outside what training saw. */
const CLEAR = 3;
/** A z-score below which traffic is unusually low. */
const LOW = 2;

/**
 * Names what an incident most likely is, from the metrics that drive it. Only `saturation` may lead to
 * scaling out: more tasks do not fix a leak, a crash loop, a noisy neighbour or a network fault.
 *
 * Rules, first match wins:
 * 1. restarts clearly up → crash-loop;  2. throttling clearly up → cpu-throttling;
 * 3. memory carries the largest share and is up → memory-leak;
 * 4. traffic (rx and tx) well below normal (z <= −2, or both under half their expected values) → network:
 *    requests are not arriving or not answered;
 * 5. CPU or latency carries the largest share, CPU is up, CPU or latency is clearly out of range (z >= 3), and at
 *    least half the containers are affected → saturation;
 * 6. otherwise unknown (alert only).
 */
export function classifyIncident(evidence: readonly MetricEvidence[], affectedContainers: number, totalContainers: number): IncidentKind {
  const share = new Map<MetricRole, number>();
  const z = new Map<MetricRole, number>();
  for (const e of evidence) {
    share.set(e.role, (share.get(e.role) ?? 0) + e.share);
    const prev = z.get(e.role);
    if (prev === undefined || Math.abs(e.extremeZ) > Math.abs(prev)) z.set(e.role, e.extremeZ);
  }
  let top: MetricRole | undefined;
  for (const [role, s] of share) if (top === undefined || s > (share.get(top) ?? 0)) top = role;
  const zOf = (r: MetricRole) => z.get(r) ?? 0;
  const ratio = new Map<MetricRole, number>();
  for (const e of evidence) {
    if (e.extremeValue === undefined || e.expected === undefined || !(e.expected > 0)) continue;
    ratio.set(e.role, Math.min(ratio.get(e.role) ?? Infinity, e.extremeValue / e.expected));
  }
  const starved = (ratio.get("network-rx") ?? Infinity) <= 0.5 && (ratio.get("network-tx") ?? Infinity) <= 0.5;

  if (zOf("restarts") >= CLEAR) return "crash-loop";
  if (zOf("throttling") >= CLEAR) return "cpu-throttling";
  if (top === "memory" && zOf("memory") > 0) return "memory-leak";
  if (Math.max(zOf("network-rx"), zOf("network-tx")) <= -LOW || starved) return "network";
  const broad = totalContainers > 0 && affectedContainers / totalContainers >= 0.5;
  const clearlyHot = zOf("cpu") >= CLEAR || zOf("latency") >= CLEAR;
  if ((top === "cpu" || top === "latency") && zOf("cpu") > 0 && clearlyHot && broad) return "saturation";
  return "unknown";
}
