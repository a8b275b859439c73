import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../../cli/demo/runDemo";
import { buildReportModel } from "../../../cli/report/reportModel";
import { renderReportHtml } from "../../../cli/report/renderReportHtml";
import { DEFAULT_FEATURE_SET } from "../../../runtime/features/defaultFeatureSet";
import type { FeatureRow } from "../../../runtime/types";
import { Random } from "../../../runtime/model/random";
import { CHROMIUM_PATH, chromiumAvailable, launchHeadlessChromium } from "../../helpers/headlessChromium";
import { PROGRAM_MS } from "../../helpers/timeouts";

/** Screenshots land here (out/ is gitignored) so a person can look at what the test saw. */
const ARTEFACTS = join(__dirname, "../../../out/test-artefacts");
const available = chromiumAvailable();
const title = available ? "the HTML report in headless Chromium" : `the HTML report in headless Chromium — SKIPPED: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium; .ci/run does this)`;

/**
 * Runs in the page (a string: the project compiles without DOM types). A drawn chart has non-transparent
 * pixels; a blank canvas has none.
 */
const PAGE_PROBE = `(() => {
  const canvases = [...document.querySelectorAll("canvas")];
  const nonBlank = canvases.filter((c) => {
    const ctx = c.getContext("2d");
    if (!ctx || c.width === 0 || c.height === 0) return false;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });
  return {
    canvases: canvases.length,
    nonBlankCanvases: nonBlank.length,
    sections: document.querySelectorAll("section.service").length,
    chartTitles: [...document.querySelectorAll(".chart h3")].map((h) => h.textContent || ""),
    summaryRows: document.querySelectorAll("table.summary tbody tr").length,
  };
})()`;

interface Rendered {
  errors: string[];
  requests: string[];
  canvases: number;
  sections: number;
  chartTitles: string[];
  summaryRows: number;
  nonBlankCanvases: number;
}

describe.skipIf(!available)(title, () => {
  let dir: string;
  let browser: Awaited<ReturnType<typeof launchHeadlessChromium>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cad-report-"));
    mkdirSync(ARTEFACTS, { recursive: true });
    browser = await launchHeadlessChromium({ width: 1280, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the file offline, waits for the charts, screenshots it, and reports what the page did. */
  async function open(file: string, screenshot: string): Promise<Rendered> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-rendered=true]", { timeout: PROGRAM_MS });
    await page.screenshot({ path: join(ARTEFACTS, screenshot), fullPage: true });
    const rendered = (await page.evaluate(PAGE_PROBE)) as Omit<Rendered, "errors" | "requests">;
    await page.close();
    return { errors, requests, ...rendered };
  }

  it("cad demo's report: no console errors, no network, a summary table and every chart drawn", async () => {
    const result = await runDemo({ days: 2, seed: 7, tasks: 4, out: join(dir, "demo") });
    const r = await open(result.files.report, "report-demo.png");
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.summaryRows).toBe(1);
    expect(r.sections).toBe(1);
    // One grade chart plus one per metric, each metric with its unit and the expected band.
    expect(r.chartTitles).toHaveLength(1 + DEFAULT_FEATURE_SET.metrics.length);
    expect(r.chartTitles[0]).toMatch(/^Anomaly grade /);
    expect(r.chartTitles[1]).toBe("container.cpu.utilized [%] (cpu; grey: expected band per container name)");
    expect(r.canvases).toBe(r.chartTitles.length);
    expect(r.nonBlankCanvases).toBe(r.canvases);
  });

  it("a week of 1-minute data for 20 containers renders within the limits (file size, points drawn)", async () => {
    const rng = new Random(11);
    const rows: FeatureRow[] = [];
    const t0 = Date.UTC(2026, 0, 5);
    const steps = 7 * 24 * 60;
    for (let c = 0; c < 20; c++) {
      for (let i = 0; i < steps; i++) {
        const daily = Math.sin((2 * Math.PI * i) / 1440);
        rows.push({ service: "checkout", container: `checkout-${c}`, timestamp: t0 + i * 60_000, values: [40 + 20 * daily + rng.next() * 5, 400 + c, 5e4, 2e5, 0, rng.next(), 70 + rng.next() * 10], filled: 0, gap: false });
      }
    }
    const model = buildReportModel({ title: "a week, 20 containers", subtitle: "synthetic", featureSet: DEFAULT_FEATURE_SET, rows, detections: [], events: [], scaling: [] });
    const file = join(dir, "week.html");
    writeFileSync(file, renderReportHtml(model));
    expect(statSync(file).size).toBeLessThan(8_000_000);
    // What keeps drawing fast whatever the machine: at most two points (min, max) per bucket, 720 buckets, instead
    // of 10,080 steps per line. (A wall-clock limit here failed on a busy machine and proved nothing on a quiet one.)
    expect(model.services[0].x.length).toBeLessThanOrEqual(2 * 720);
    expect(model.services[0].bucketSeconds).toBe(14 * 60); // 10,080 steps in 720 buckets
    const r = await open(file, "report-week.png");
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.canvases).toBe(1 + DEFAULT_FEATURE_SET.metrics.length);
    expect(r.nonBlankCanvases).toBe(r.canvases);
  });
});
