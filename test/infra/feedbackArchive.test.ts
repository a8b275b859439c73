/**
 * The feedback action's generated archive runs for real, as the other functions' do (functionArchives.test.ts):
 * loaded the way the language host builds it, fed a function URL request (payload format 2.0) under its deployed
 * environment, against loopback S3 holding a detector state; the mark lands under state/feedback/.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyTrackerState } from "../../runtime/detection/incidentTracker";
import { encodeServiceState, SERVICE_STATE_FORMAT } from "../../runtime/handlers/detectorState";
import type { Incident } from "../../runtime/types";
import { anomalyAt, T0 } from "../helpers/anomalies";
import type { ArchivesReport } from "../helpers/emitFunctionArchives";
import { archiveWorkDir, emit, fn, runArchive } from "../helpers/functionArchiveRunner";
import { LANGUAGE_HOST_MS } from "../helpers/timeouts";
import { S3Server } from "../servers/s3Server";

const ID = "checkout:2026-01-06T10:00:00.000Z";
const resolved: Incident = { id: ID, service: "checkout", status: "resolved", kind: "saturation", start: T0, lastAnomalyAt: T0, resolvedAt: T0 + 600_000, containers: ["c1"], containerNames: ["app"], anomalyCount: 4, peakScore: 2, peakGrade: 0.6, confidence: 1, threshold: 1.2, topMetrics: anomalyAt("c1", 0, { cpu: 4 }).attribution.slice(0, 1) };
const request = (body: unknown) => ({ version: "2.0", rawPath: "/", body: JSON.stringify(body), isBase64Encoded: false, requestContext: { http: { method: "POST", path: "/" }, requestId: "req-1" } });

const work = archiveWorkDir();
let report: ArchivesReport;
beforeAll(() => {
  report = emit(join(work, "feedback"), { feedbackUrl: "true" }, false);
}, LANGUAGE_HOST_MS);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the feedback action's archive", () => {
  it("is built lean (no Splunk SDK, no AWS SDK) and without a secret", () => {
    const f = fn(report, "cad-dev-feedback-function-function");
    expect(f.entries).toEqual(["index.js"]);
    expect(f.requires).toEqual(["@aws-sdk/client-s3"]);
    expect(f.bundled.filter((p) => p.includes("splunk-sdk") || p.includes("@aws-sdk"))).toEqual([]);
    expect(f.secretHits).toEqual([]);
    console.log(`${f.name}: ${(f.bytes / 1e6).toFixed(2)} MB unzipped, ~${(f.deflatedBytes / 1e6).toFixed(2)} MB zipped`);
    // Measured: 0.19 MB, 0.04 MB deflated (Powertools and valibot).
    expect(f.deflatedBytes).toBeLessThan(200_000);
  });

  it("stores a mark next to the detector state in S3 and answers 200; an unknown incident 404, a bad verdict 400", async () => {
    const f = fn(report, "cad-dev-feedback-function-function");
    const s3 = await S3Server.start();
    try {
      const bucket = f.environment.CAD_BUCKET;
      const state = encodeServiceState({ format: SERVICE_STATE_FORMAT, modelId: "m", featureSetId: "fs", tracker: { ...emptyTrackerState(), lastResolved: resolved }, scaling: {}, outbox: [], eventCounts: {}, detector: new Uint8Array(0) });
      s3.objects.set(`${bucket}/state/detector/checkout.bin`, { body: Buffer.from(state), etag: '"state"' });
      const env = { ...f.environment, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDLOOPBACK", AWS_SECRET_ACCESS_KEY: "loopback-secret", AWS_ENDPOINT_URL_S3: s3.endpoint, POWERTOOLS_DEV: "true", POWERTOOLS_LOG_LEVEL: process.env.CAD_TEST_LOG_LEVEL ?? "ERROR" };
      const [ok, unknown, bad] = await runArchive(work, f, env, [request({ incidentId: ID, verdict: "false-alarm", note: "nightly batch" }), request({ incidentId: "checkout:2026-01-07T10:00:00.000Z", verdict: "real" }), request({ incidentId: ID, verdict: "maybe" })]);
      expect(ok.statusCode).toBe(200);
      expect(unknown.statusCode).toBe(404);
      expect(bad.statusCode).toBe(400);
      const stored = JSON.parse(String(s3.objects.get(`${bucket}/state/feedback/checkout.json`)?.body)) as { records: { incidentId: string; verdict: string; note: string }[] };
      expect(stored.records).toEqual([expect.objectContaining({ incidentId: ID, verdict: "false-alarm", note: "nightly batch" })]);
    } finally {
      await s3.close();
    }
  });
});
