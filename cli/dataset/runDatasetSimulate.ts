import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { defaultIncidentPlan } from "../../runtime/sim/incidentPlan";
import { collectSimulatedWindows } from "../../training/collectSimulatedWindows";
import { DEMO_SERVICE, DEMO_START } from "../demo/demoService";
import { INCIDENTS_FILE } from "./loadIncidents";

/** The options of `cad dataset simulate`, as commander parses them. */
export interface SimulateOptions {
  out: string;
  days: number;
  seed: number;
  tasks: number;
  json?: boolean;
}

/** Runs `cad dataset simulate`: the demo service's windows as the collector would write them, plus the incidents file. */
export async function runDatasetSimulate(o: SimulateOptions): Promise<void> {
  const objects = new DirectoryObjectStore(o.out);
  const result = await collectSimulatedWindows({
    service: DEMO_SERVICE,
    tasks: o.tasks,
    seed: o.seed,
    startMs: DEMO_START,
    days: o.days,
    incidents: defaultIncidentPlan(DEMO_START, o.days, o.tasks),
    featureSet: DEFAULT_FEATURE_SET,
    objects,
  });
  const file = result.incidents.map((i) => ({ service: i.service, from: new Date(i.from).toISOString(), to: new Date(i.to).toISOString(), ...(i.container ? { container: i.container } : {}) }));
  await objects.put(INCIDENTS_FILE, JSON.stringify(file, null, 2) + "\n", "application/json");
  if (o.json) process.stdout.write(`${JSON.stringify({ service: DEMO_SERVICE, windows: result.keys.length, rows: result.rows, incidentWindows: file.length, out: o.out })}\n`);
  else process.stdout.write(`wrote ${result.keys.length} windows (${result.rows} rows) of service "${DEMO_SERVICE}" and ${file.length} incident windows to ${o.out}\n`);
}
