/**
 * Writes young single series cut from the NAB-layout development sets (bench/youngNabSets.ts says how), for
 * `cad quality --datasets`:
 *
 *   node bin/run-ts.js bench/youngNabSetsMain.ts --out tmp/young-sets
 *   node bin/cad.js quality --datasets tmp/young-sets --sets nab-dev,kpi-dev --java-reference
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultDatasetsDir } from "../cli/quality/qualitySets";
import { writeYoungSets, youngSetOptions } from "./youngNabSets";

function main(): void {
  const { values } = parseArgs({
    options: {
      datasets: { type: "string" },
      out: { type: "string" },
      rows: { type: "string" },
      before: { type: "string" },
      every: { type: "string" },
      "every-kpi": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || values.out === undefined) {
    console.log("usage: node bin/run-ts.js bench/youngNabSetsMain.ts --out DIR [--datasets DIR (CAD_DATASETS, else ../shared/datasets)] [--rows 2000] [--before 1500] [--every 1] [--every-kpi 4]");
    if (!values.help) process.exitCode = 2;
    return;
  }
  const o = youngSetOptions(values);
  const from = values.datasets !== undefined ? resolve(values.datasets) : defaultDatasetsDir(process.env, join(__dirname, ".."));
  for (const line of writeYoungSets(from, resolve(values.out), o)) console.log(line);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
