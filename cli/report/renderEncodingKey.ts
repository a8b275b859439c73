import { ENCODINGS as E } from "./reportEncodings";

/** SVG patterns the key's swatches use (the charts draw the same patterns on canvas). */
const DEFS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
<pattern id="key-truth" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="${E.truth}" stroke-width="2"/></pattern>
<pattern id="key-false" width="6" height="6" patternUnits="userSpaceOnUse"><path d="M0,0 L6,6 M6,0 L0,6" stroke="${E.falseMark}" stroke-width="1"/></pattern>
</defs></svg>`;

const swatch = (body: string) => `<svg class="swatch" width="34" height="16" viewBox="0 0 34 16" aria-hidden="true">${body}</svg>`;

const ITEMS: readonly [string, string][] = [
  ["training", swatch(`<rect x="0" y="0" width="34" height="16" fill="${E.trainingFill}"/><text x="3" y="11" font-size="8" fill="#555">train</text>`) + "training period (the model learnt here; not scored)"],
  ["truth", swatch(`<rect x="0" y="0" width="34" height="16" fill="url(#key-truth)" stroke="${E.truth}"/>`) + "known window (ground truth): blue hatching"],
  ["incident", swatch(`<rect x="0" y="0" width="34" height="16" fill="${E.incidentFill}"/><rect x="0" y="0" width="34" height="5" fill="${E.incident}"/>`) + "incident the detector raised: orange-red fill, solid bar"],
  ["false", swatch(`<rect x="0" y="0" width="34" height="16" fill="${E.incidentFill}"/><rect x="0" y="0" width="34" height="16" fill="url(#key-false)"/><rect x="0" y="0" width="34" height="5" fill="${E.incident}"/>`) + "false alert (no known window): cross-hatched ✕"],
  ["missed", swatch(`<rect x="1" y="1" width="32" height="14" fill="url(#key-truth)" stroke="${E.truth}" stroke-dasharray="3 2"/><circle cx="17" cy="8" r="4" fill="#fff" stroke="${E.truth}"/>`) + "missed known window: ○ dashed outline"],
  ["scaling", swatch(`<line x1="17" y1="4" x2="17" y2="16" stroke="${E.scaling}" stroke-width="2" stroke-dasharray="3 2"/><path d="M11,6 L17,0 L23,6 Z" fill="${E.scaling}"/>`) + "scaling: ▲ scale-out, ▼ restore, dashed line"],
  ["band", swatch(`<rect x="0" y="4" width="34" height="8" fill="${E.bandFill}" stroke="${E.bandLine}"/>`) + "expected band (expected ± 3 recent standard deviations)"],
];

/** The key to every mark on the charts, as inline SVG swatches (no script needed to read it). */
export function renderEncodingKey(): string {
  return `${DEFS}<div class="encoding-key">${ITEMS.map(([k, html]) => `<span class="key-${k}">${html}</span>`).join("")}</div>`;
}
