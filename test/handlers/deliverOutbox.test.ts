import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryRunMetrics } from "../../runtime/adapters/memory/MemoryRunMetrics";
import { JsonlAlertSink } from "../../runtime/adapters/local/JsonlAlertSink";
import { SnsAlertSink } from "../../runtime/adapters/sns/SnsAlertSink";
import { deliverOutbox } from "../../runtime/handlers/deliverOutbox";
import { ServiceDetector } from "../../runtime/detection/serviceDetector";
import { decodeServiceState, detectorStateKey, encodeDetector, encodeServiceState } from "../../runtime/handlers/detectorState";
import { DEFAULT_DETECT_SETTINGS } from "../../runtime/handlers/makeDetectHandler";
import { detectorConfig, freshState } from "../../runtime/handlers/serviceStateLoader";
import type { IncidentEvent } from "../../runtime/types";
import { makeHarness, SATURATION_FROM, SERVICE } from "../helpers/detectHarness";
import { incident, openEvent } from "../helpers/incidentEvents";
import { RecordingLog } from "../helpers/recordingLog";

const dir = mkdtempSync(join(tmpdir(), "cad-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:cad-alerts";
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-alerts-dlq";
beforeEach(() => {
  sns.reset();
  sqs.reset();
});

/** What a hand-edited or corrupted state file can hold at the head of the outbox: no incident at all. */
const MALFORMED = { type: "open", at: 1 } as unknown as IncidentEvent;
const resolveEvent = (): IncidentEvent => ({ id: `checkout:${Date.UTC(2026, 10, 25, 0, 40)}#2`, type: "resolve", incident: incident({ status: "resolved", resolvedAt: Date.UTC(2026, 10, 25, 1) }), at: Date.UTC(2026, 10, 25, 1) });

describe("deliverOutbox", () => {
  it("parks a poison event at the head of the outbox in the dead-letter file, logs it, and delivers the rest (local JSONL sink)", async () => {
    const file = join(dir, "alerts.jsonl");
    const sink = new JsonlAlertSink(file);
    const log = new RecordingLog();
    const metrics = new MemoryRunMetrics();
    const out = await deliverOutbox([MALFORMED, openEvent(), resolveEvent()], { alerts: sink, log, metrics, service: SERVICE });

    expect(out).toEqual({ sent: 2, parked: 1, poisoned: 1, pending: [] });
    expect(readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as IncidentEvent).type)).toEqual(["open", "resolve"]);
    const dead = readFileSync(join(dir, "alerts.dead-letter.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { reason: string; event: unknown });
    expect(dead).toEqual([{ reason: "id: missing; incident: missing", event: { type: "open", at: 1 } }]);
    expect(log.find("error", "malformed alert event parked; delivering the rest of the outbox")).toEqual([
      expect.objectContaining({ fields: { service: SERVICE, parkedIn: join(dir, "alerts.dead-letter.jsonl"), remaining: 2, error: `alert event of (unknown incident) is malformed (id: missing; incident: missing); written to ${join(dir, "alerts.dead-letter.jsonl")}` } }),
    ]);
    expect(metrics.total("alertsFailed")).toBe(1);
  });

  it("stops at a transient failure and keeps that event and everything behind it, in order", async () => {
    let calls = 0;
    const flakySink = {
      send: async (e: IncidentEvent): Promise<void> => {
        if (++calls === 2) throw new Error(`SNS: Rate exceeded for ${e.type}`);
      },
    };
    const out = await deliverOutbox([openEvent(), resolveEvent(), openEvent()], { alerts: flakySink, log: new RecordingLog(), service: SERVICE });
    expect(out.sent).toBe(1);
    expect(out.pending.map((e) => e.type)).toEqual(["resolve", "open"]);
    expect(out.error).toBe("SNS: Rate exceeded for resolve");
  });
});

describe("a malformed event at the head of the outbox, real SnsAlertSink (issue 15)", () => {
  it("is parked in the dead-letter queue with a log line; the alerts behind it are published and later runs do not fail on it", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    sqs.on(SendMessageCommand).resolves({ MessageId: "d-1" });
    const log = new RecordingLog();
    const alerts = new SnsAlertSink({ sns: new SNSClient({ region: "eu-west-1" }), topicArn: TOPIC, deadLetter: { sqs: new SQSClient({ region: "eu-west-1" }), queueUrl: QUEUE }, log, clock: { now: () => 0 } });
    const h = makeHarness({ alerts, log });
    // A stored state whose outbox starts with a malformed event (outbox events are checked when delivered).
    const model = h.deps.model;
    const seeded = encodeServiceState({ ...freshState(model), outbox: [MALFORMED, openEvent()], detector: encodeDetector(new ServiceDetector(detectorConfig(model, DEFAULT_DETECT_SETTINGS)).toState()) });
    await h.state.saveBytes(detectorStateKey(SERVICE), seeded, undefined);
    h.minute = SATURATION_FROM - 10;

    const first = (await h.detect()).services[0];
    expect(first).toMatchObject({ alertsSent: 1, alertsParked: 1, alertsPending: 0 });
    expect(first.error).toBeUndefined();
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.eventType?.StringValue)).toEqual(["open"]);
    const parked = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(parked).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: '{"type":"open","at":1}',
        MessageAttributes: {
          poison: { DataType: "String", StringValue: "true" },
          reason: { DataType: "String", StringValue: "id: missing; incident: missing" },
          incidentId: { DataType: "String", StringValue: "(unknown incident)" },
          topicArn: { DataType: "String", StringValue: TOPIC },
          failedAt: { DataType: "String", StringValue: "1970-01-01T00:00:00.000Z" },
        },
      },
    ]);
    expect(log.find("error", "malformed alert event parked in the dead-letter queue")).toHaveLength(1);
    expect(decodeServiceState(((await h.state.loadBytes(detectorStateKey(SERVICE))) as { value: Uint8Array }).value, "stored").outbox).toEqual([]);

    h.minute += 5;
    const second = (await h.detect()).services[0];
    expect(second.error).toBeUndefined();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it("without a dead-letter queue, writes the event whole into the error log and still lets the rest flow", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const log = new RecordingLog();
    const alerts = new SnsAlertSink({ sns: new SNSClient({ region: "eu-west-1" }), topicArn: TOPIC, log });
    const out = await deliverOutbox([MALFORMED, openEvent()], { alerts, log, service: SERVICE });
    expect(out).toMatchObject({ sent: 1, parked: 1, poisoned: 1, pending: [] });
    expect(log.find("error", "no dead-letter queue is configured, so it is kept in this log line")[0].fields).toEqual({ incidentId: "(unknown incident)", reason: "id: missing; incident: missing", event: '{"type":"open","at":1}' });
  });

  it("an event SNS cannot carry at all (every list emptied and it still does not fit) is poison too, not a retry loop", async () => {
    const log = new RecordingLog();
    sqs.on(SendMessageCommand).resolves({ MessageId: "d-2" });
    const alerts = new SnsAlertSink({ sns: new SNSClient({ region: "eu-west-1" }), topicArn: TOPIC, deadLetter: { sqs: new SQSClient({ region: "eu-west-1" }), queueUrl: QUEUE }, log, maxMessageBytes: 300 });
    const out = await deliverOutbox([openEvent()], { alerts, log, service: SERVICE });
    expect(out).toMatchObject({ sent: 0, parked: 1, poisoned: 1, pending: [] });
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageAttributes?.reason?.StringValue).toMatch(/^cannot be made into an SNS message: alert for incident checkout:\d+ cannot fit in 300 bytes/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
