import { ServiceDetector } from "../runtime/detection/serviceDetector";
import { CONTAINER_DETECTOR } from "../runtime/detection/detectorProfiles";
import { packState, unpackState } from "../runtime/model/binaryState";
import { Random } from "../runtime/model/random";
const containers = Number(process.argv[2] ?? 500);
const d = new ServiceDetector({ inputs: 7, detector: CONTAINER_DETECTOR, scorer: "forest", replicaTtlMs: 3600e3, groupTtlMs: 1e12 });
const r = new Random(1);
let t = 0;
for (let s = 0; s < 60; s++) {
  d.process(t, Array.from({ length: containers }, (_, i) => ({ container: `c${i}`, containerName: "app", values: Array.from({ length: 7 }, (_, m) => 10 * m + r.normal()) })));
  t += 60000;
}
for (let k = 0; k < 3; k++) {
  let t0 = performance.now();
  const st = d.toState();
  const t1 = performance.now();
  const bytes = packState(st);
  const t2 = performance.now();
  const back = unpackState(bytes);
  const t3 = performance.now();
  const d2 = ServiceDetector.fromState(d.config, back as never);
  const t4 = performance.now();
  console.log({ bytes: bytes.length, toState: (t1 - t0).toFixed(1), pack: (t2 - t1).toFixed(1), unpack: (t3 - t2).toFixed(1), fromState: (t4 - t3).toFixed(1), replicas: d2.replicaCount() });
}
