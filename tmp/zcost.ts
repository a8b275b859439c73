import { ServiceDetector } from "../runtime/detection/serviceDetector";
import { CONTAINER_DETECTOR } from "../runtime/detection/detectorProfiles";
import { Random } from "../runtime/model/random";
import * as z from "node:zlib";
import { packState } from "../runtime/model/binaryState";
const containers = 500;
const d = new ServiceDetector({ inputs: 7, detector: CONTAINER_DETECTOR, scorer: "forest", replicaTtlMs: 3600e3, groupTtlMs: 1e12 });
const r = new Random(1);
let t = 0;
for (let s = 0; s < 300; s++) { d.process(t, Array.from({ length: containers }, (_, i) => ({ container: `c${i}`, containerName: "app", values: Array.from({ length: 7 }, (_, m) => 10 * m + r.normal()) }))); t += 60000; }
const packed = packState(d.toState());
const raw = z.brotliDecompressSync(packed.subarray(14));
console.log("raw payload", raw.length);
const tries: [string, () => Buffer][] = [
  ["deflate1", () => z.deflateSync(raw, { level: 1 })],
  ["deflate6", () => z.deflateSync(raw, { level: 6 })],
  ["deflateHuff", () => z.deflateSync(raw, { level: 1, strategy: z.constants.Z_HUFFMAN_ONLY })],
  ["deflateRLE", () => z.deflateSync(raw, { level: 1, strategy: z.constants.Z_RLE })],
  ["brotli0", () => z.brotliCompressSync(raw, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 0 } })],
  ["brotli1", () => z.brotliCompressSync(raw, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 1 } })],
  ["brotli4", () => z.brotliCompressSync(raw, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 4 } })],
];
for (const [name, f] of tries) { f(); const t0 = performance.now(); let b!: Buffer; for (let i = 0; i < 5; i++) b = f(); const t1 = performance.now(); console.log(name, b.length, ((t1 - t0) / 5).toFixed(1), "ms"); }
for (const [name, f, g] of [["inflate", () => z.deflateSync(raw, { level: 1 }), (b: Buffer) => z.inflateSync(b)], ["brotliDec", () => z.brotliCompressSync(raw, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 1 } }), (b: Buffer) => z.brotliDecompressSync(b)]] as const) { const b = f(); const t0 = performance.now(); for (let i = 0; i < 5; i++) g(b); console.log(name, ((performance.now() - t0) / 5).toFixed(1), "ms"); }
