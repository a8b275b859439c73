import { describeEvent } from "../cli/demo/describeEvent";
import { formatDemoTable } from "../cli/demo/formatDemoTable";
import type { DemoResult } from "../cli/demo/runDemo";
import type { DemoSeedFigures, DemoFiguresGroup } from "./figuresFile";

const iso = (t: number): string => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** What the docs say of one demo run: each injected incident, the false alerts, the scaling actions. */
export function demoSeedFigures(seed: number, r: DemoResult): DemoSeedFigures {
  return {
    seed,
    incidents: r.report.matches.map((m) => ({ kind: m.truth.kind, detectedAs: m.detectedBy?.kind ?? null, minutesToDetect: m.minutesToDetect ?? null })),
    falseAlerts: r.report.falseAlerts.map((f) => ({ kind: f.kind, openedAt: iso(f.openedAt) })),
    scaling: r.scalingActions.map((s) => `${s.action} ${s.fromTasks} → ${s.toTasks}`),
  };
}

/** The README's excerpt of what `npm start` prints: the first alert as printed, then the final table. */
export function demoExcerpt(r: DemoResult): string {
  const first = r.events.find((e) => e.type === "open");
  return [...(first ? [describeEvent(first), "…"] : []), formatDemoTable(r)].join("\n");
}

const range = (xs: readonly number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};

/** "seeds 1–8" or "seeds 1, 3, 7". */
function seedList(seeds: readonly number[]): string {
  const contiguous = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return contiguous && seeds.length > 2 ? `seeds ${seeds[0]}–${seeds[seeds.length - 1]}` : `seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}`;
}

/**
 * The sweep in words: incidents detected (and as which kind), false alerts per seed, minutes to detect per
 * injected kind (range over seeds), the scaling every seed did.
 */
export function renderDemoSweep(d: DemoFiguresGroup): string {
  const all = d.seeds.flatMap((s) => s.incidents);
  const detected = all.filter((i) => i.detectedAs !== null);
  const kinds = [...new Set(all.map((i) => i.kind))];
  const falses = d.seeds.map((s) => s.falseAlerts.length);
  const totalFalse = falses.reduce((a, b) => a + b, 0);
  const minutes = kinds
    .map((k) => {
      const seen = d.seeds.flatMap((s) => s.incidents.filter((i) => i.kind === k));
      const m = seen.filter((i) => i.minutesToDetect !== null).map((i) => i.minutesToDetect as number);
      const as = [...new Set(seen.map((i) => i.detectedAs ?? "missed"))].join(" or ");
      return `${k} as ${as}${m.length > 0 ? ` in ${range(m)}` : ""}`;
    })
    .join(", ");
  const sequences = new Map<string, number[]>();
  for (const s of d.seeds) {
    const key = s.scaling.join(", ") || "no scaling";
    sequences.set(key, [...(sequences.get(key) ?? []), s.seed]);
  }
  const scaling =
    sequences.size === 1
      ? `every seed scales the same way: ${[...sequences.keys()][0]}`
      : `scaling ${[...sequences].map(([seq, seeds]) => `${seq} (${seedList(seeds)})`).join("; ")}`;
  const falseText = totalFalse === 0 ? "no false alert on any seed" : `${totalFalse} false alert(s) (${range(falses)} per seed)`;
  return (
    `Across ${seedList(d.seeds.map((s) => s.seed))} the defaults detect ${detected.length} of ${all.length} injected incidents, with ` +
    `${falseText} (the acceptance bar is at most 2 per seed); each injected fault detected as (minutes to detect over the seeds): ${minutes}; ${scaling}. ` +
    `\`npm start\` (seed ${d.defaultSeed}) took ${d.npmStartSeconds.toFixed(0)} s wall. ${provenanceLine(d)}`
  );
}

/** "Measured 2026-12-02 at abc1234 (load average 1.2 on 2 cores): `command`." */
export function provenanceLine(p: { readonly measuredAt: string; readonly commit: string; readonly loadAverage: number | null; readonly cores: number; readonly command: string }): string {
  const load = p.loadAverage === null ? `load not recorded, ${p.cores} cores` : `load average ${p.loadAverage.toFixed(1)} on ${p.cores} cores`;
  return `Measured ${p.measuredAt.slice(0, 10)} at ${p.commit} (${load}): \`${p.command}\`.`;
}
