import { ServiceDetector } from "../runtime/detection/serviceDetector";
import { CONTAINER_DETECTOR } from "../runtime/detection/detectorProfiles";
import { packState } from "../runtime/model/binaryState";
import { Random } from "../runtime/model/random";
import { deflateSync } from "node:zlib";
const containers = Number(process.argv[2] ?? 500);
const d = new ServiceDetector({ inputs: 7, detector: CONTAINER_DETECTOR, scorer: "forest", replicaTtlMs: 3600e3, groupTtlMs: 1e12 });
const r = new Random(1);
let t = 0;
for (let s = 0; s < 600; s++) {
  d.process(t, Array.from({ length: containers }, (_, i) => ({ container: `c${i}`, containerName: "app", values: Array.from({ length: 7 }, (_, m) => 10 * m + 3*Math.sin(s/50) + r.normal()) })));
  t += 60000;
}
const st = d.toState();
const model = st.groups[0].model;
const f = model.forest!;
const size = (x: unknown) => packState(x).length;
console.log("all", size(st), "model", size(model), "forest", size(f), "seasonal", size(model.seasonal ?? null), "replicas", size(st.replicas), "per replica", size(st.replicas)/containers);
console.log("points raw", f.points.byteLength, "packed", size(f.points), "weights raw", f.samplers.reduce((a,s)=>a+s.weights.byteLength,0), "packed", size(f.samplers.map(s=>s.weights)), "refs packed", size(f.samplers.map(s=>s.refs)));
console.log("trees packed", size(f.trees), "cutValues", size(f.trees.map(t=>t.cutValue)), "structure", size(f.trees.map(t=>[t.left,t.right,t.cutDim,t.leafRef,t.leafMass])));
for (const level of [1, 3, 6]) { const t0=performance.now(); const b = deflateSync(Buffer.from(JSON.stringify([...f.points])), {level}); }
const raw = Buffer.from(f.points.buffer); for (const level of [1,3,6,9]) { const t0=performance.now(); const b=deflateSync(raw,{level}); console.log("level",level,b.length,(performance.now()-t0).toFixed(1)); }
