import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDemoTable } from "../../../cli/demo/formatDemoTable";
import { DEMO_START } from "../../../cli/demo/demoService";
import { runDemo, type DemoResult } from "../../../cli/demo/runDemo";
import { demoExcerpt, demoSeedFigures } from "../../../figures/demoFigures";
import { readFiguresFile } from "../../../figures/figuresFile";
import { ROOT } from "../../../figures/renderDocs";
import { parseModelBundle } from "../../../runtime/model/modelBundle";
import type { IncidentEvent } from "../../../runtime/types";

const dir = mkdtempSync(join(tmpdir(), "cad-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 24 * 60 * 60_000;
let result: DemoResult;
const printed: IncidentEvent[] = [];
beforeAll(async () => {
  // The real default: 3 days, seed 7, 6 tasks (what `npm start` runs). Long work: the timeout holds on a loaded machine.
  result = await runDemo({ days: 3, seed: 7, tasks: 6, out: join(dir, "demo"), onEvent: (e) => printed.push(e) });
}, 900_000);

describe("runDemo: the default 3-day demo", () => {
  it("detects the 5 injected incidents, each as its kind, with at most 2 false alerts", () => {
    const detected = result.report.matches.filter((m) => m.detectedBy);
    expect(result.report.matches).toHaveLength(5);
    expect(detected).toHaveLength(5);
    expect(result.report.matches.map((m) => m.detectedBy?.kind)).toEqual(["saturation", "memory-leak", "cpu-throttling", "network", "crash-loop"]);
    expect(result.report.falseAlerts.length).toBeLessThanOrEqual(2);
    expect(result.runs).toBe((2 * DAY) / (5 * 60_000));
    expect(result.start).toBe(DEMO_START);
  });

  it("calls the load spike saturation and scales out during it, then restores the baseline; never scales on other kinds", () => {
    const spike = result.report.matches.find((m) => m.truth.kind === "load-spike");
    expect(spike?.detectedBy?.kind).toBe("saturation");
    const outs = result.events.filter((e) => e.scaling?.action === "scale-out");
    expect(outs.length).toBeGreaterThan(0);
    for (const e of outs) {
      expect(e.incident.kind).toBe("saturation");
      expect(e.scaling?.toTasks).toBeLessThanOrEqual(12);
    }
    expect(result.scalingActions[0]).toMatchObject({ action: "scale-out", fromTasks: 6 });
    expect(result.scalingActions[result.scalingActions.length - 1]).toMatchObject({ action: "restore", toTasks: 6 });
  });

  it("alerts with stable event ids, grade, confidence and the top metrics' actual vs expected values in their units", () => {
    const open = result.events.find((e) => e.type === "open" && e.incident.kind === "memory-leak");
    expect(open?.id).toBe(`${open?.incident.id}#1`);
    expect(new Set(result.events.map((e) => e.id)).size).toBe(result.events.length);
    expect(open?.incident.peakGrade).toBeGreaterThan(0);
    expect(open?.incident.confidence).toBeGreaterThan(0.5);
    expect(open?.incident.containerNames).toEqual(["app"]);
    const memory = open?.incident.topMetrics.find((m) => m.role === "memory");
    expect(memory).toMatchObject({ unit: "MiB" });
    expect((memory?.value ?? 0) - (memory?.expected ?? 0)).toBeGreaterThan(0);
  });

  it("prints every event as it happens and writes alerts.jsonl, model.json and summary.json", () => {
    expect(printed).toEqual(result.events);
    const lines = readFileSync(result.files.alerts, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(JSON.parse(JSON.stringify(result.events)));
    const model = parseModelBundle(readFileSync(result.files.model, "utf8"), result.files.model);
    expect(model.checksum).toBe(result.model.checksum);
    expect(model.detector?.containerNames).toEqual(["app", "envoy"]);
    const summary = JSON.parse(readFileSync(result.files.summary, "utf8")) as { days: number; falseAlerts: unknown[]; matches: unknown[] };
    expect(summary.days).toBe(3);
    expect(summary.matches).toHaveLength(5);
    expect(summary.falseAlerts).toHaveLength(result.report.falseAlerts.length);
  });

  it("ends with a table of injected incidents, detection, false alerts and scaling actions", () => {
    const table = formatDemoTable(result);
    expect(table).toMatch(/^injected incident\s+window \(UTC\)\s+detected\s+as\s+min to detect$/m);
    expect(table).toMatch(/^load-spike\s+2026-01-06 10:00–11:00\s+yes\s+saturation\s+\d+\s*$/m);
    const detected = result.report.matches.filter((m) => m.detectedBy).length;
    expect(table).toContain(`detected ${detected} of 5 injected incidents; false alerts: ${result.report.falseAlerts.length}`);
    expect(table).toContain(`scaling actions: ${result.scalingActions.length}`);
  });

  it("prints what the README says it prints: the figures docs/figures.json holds for the default seed (npm run docs:figures)", () => {
    const demo = readFiguresFile(join(ROOT, "docs", "figures.json")).demo;
    expect(demo?.defaultSeed).toBe(7);
    expect(demoSeedFigures(7, result)).toEqual(demo?.seeds.find((s) => s.seed === 7));
    expect(demoExcerpt(result)).toBe(demo?.excerpt);
  });

  it("refuses fewer than 2 days", async () => {
    await expect(runDemo({ days: 1, seed: 7, tasks: 6, out: join(dir, "x") })).rejects.toThrow("--days must be at least 2 (one day to train, then detection), got 1");
  });
});
