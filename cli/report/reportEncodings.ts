/**
 * How the report draws each kind of mark. Colours from the Okabe–Ito palette (distinct under the common colour
 * vision deficiencies), and every mark also differs by something other than hue: its lane on the timeline, a
 * fill, a hatching, a cross-hatching or a marker shape. The HTML key (renderEncodingKey) and the client script
 * both read these, so the key always matches the charts.
 */
export const ENCODINGS = {
  /** Incidents the detector raised: a solid bar on the timeline, a light fill behind the charts. */
  incident: "#D55E00",
  incidentFill: "rgba(213,94,0,0.16)",
  /** Known windows (ground truth): diagonal hatching "/" on the charts, a hatched bar on the timeline. */
  truth: "#0072B2",
  /** False alerts: the incident's marks, cross-hatched "×" in black. */
  falseMark: "rgba(0,0,0,0.55)",
  /** Scaling actions: a dashed vertical line, ▲ scale-out, ▼ restore. */
  scaling: "#009E73",
  /** The training period: a grey fill, labelled. */
  trainingFill: "rgba(0,0,0,0.08)",
  /** The detector's expected band (expected ± 3 recent standard deviations). */
  bandFill: "rgba(0,0,0,0.09)",
  bandLine: "rgba(0,0,0,0.28)",
  /**
   * Heat map: grade 0 (scored, normal) in light grey; grades above 0 from light yellow to dark purple (viridis,
   * lightness falls as the grade rises, so it reads in grey scale too); not scored: blank.
   */
  gradeZero: "#d4d4d4",
  gradeStops: ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"],
} as const;

/** Line colours per container (cycled). Lines are told apart by hovering (the tooltip names each container), not by hue alone. */
export const CONTAINER_PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#d62728",
  "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
] as const;
