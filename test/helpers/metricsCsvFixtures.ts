import { COLLECT_FEATURE_SET } from "../../cli/collectSources";
import { alignSamples } from "../../runtime/features/alignSamples";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { formatFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import { EcsServiceSimulator } from "../../runtime/sim/EcsServiceSimulator";
import type { InjectedIncident } from "../../runtime/sim/incidentPlan";
import type { MetricSample } from "../../runtime/types";
import { GeneratedMetricSource } from "./generatedMetricSource";

/** Monday 2026-01-05 00:00 UTC. */
export const FIXTURE_START = Date.UTC(2026, 0, 5);
const MIN = 60_000;

/** Seeded simulator samples of one service (default feature set), optionally with injected incidents; one container per task unless `sidecar`. */
export async function simulatedSamples(opts: { hours: number; tasks: number; seed: number; incidents?: InjectedIncident[]; sidecar?: boolean }): Promise<MetricSample[]> {
  const sim = new EcsServiceSimulator({ service: "checkout", tasks: opts.tasks, seed: opts.seed, startMs: FIXTURE_START, incidents: opts.incidents ?? [], sidecar: opts.sidecar ?? false });
  const end = FIXTURE_START + opts.hours * 60 * MIN;
  sim.advanceTo(end);
  return sim.fetch("checkout", { from: FIXTURE_START, to: end });
}

/** The same samples as the feature-row CSV `cad demo` and the collector write. */
export async function simulatedFeatureRowsCsv(opts: { hours: number; tasks: number; seed: number; incidents?: InjectedIncident[] }): Promise<string> {
  return formatFeatureRowsCsv(alignSamples(await simulatedSamples(opts), DEFAULT_FEATURE_SET).rows, DEFAULT_FEATURE_SET);
}

/** Generated container metrics with the collector's metric names, in the long format. */
export async function generatedLongCsv(hours: number): Promise<string> {
  const source = new GeneratedMetricSource("gen", { seed: 3, services: ["search"], containersPerService: 2 }, COLLECT_FEATURE_SET.metrics.map((m) => m.name));
  const samples = await source.fetch("search", { from: FIXTURE_START, to: FIXTURE_START + hours * 60 * MIN });
  return ["timestamp,service,container,metric,value", ...samples.map((s) => `${new Date(s.timestamp).toISOString()},${s.service},${s.container},${s.metric},${s.value}`)].join("\n") + "\n";
}
