/**
 * Bad-input catalogue: what can sit in the alert outbox (saved with the detector state, so a corrupted or
 * hand-edited state file can hold anything), delivered by deliverOutbox through the real sinks. Exact outcome per
 * case; docs/errors.md lists them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { JsonlAlertSink } from "../../runtime/adapters/local/JsonlAlertSink";
import { SnsAlertSink } from "../../runtime/adapters/sns/SnsAlertSink";
import { deliverOutbox } from "../../runtime/handlers/deliverOutbox";
import type { IncidentEvent } from "../../runtime/types";
import { incident, openEvent } from "../helpers/incidentEvents";
import { RecordingLog } from "../helpers/recordingLog";
import { TEN_MB, workspace } from "./workspace";

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:cad-alerts";
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-alerts-dlq";
const ws = workspace("outbox");
let log: RecordingLog;
beforeEach(() => {
  sns.reset();
  sqs.reset();
  log = new RecordingLog();
});

const bad = (value: unknown): IncidentEvent => value as IncidentEvent;
function snsSink(withQueue = true, maxMessageBytes?: number): SnsAlertSink {
  return new SnsAlertSink({
    sns: new SNSClient({ region: "eu-west-1" }),
    topicArn: TOPIC,
    ...(withQueue ? { deadLetter: { sqs: new SQSClient({ region: "eu-west-1" }), queueUrl: QUEUE } } : {}),
    log,
    clock: { now: () => 0 },
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
}
const deliver = (events: IncidentEvent[], alerts: SnsAlertSink | JsonlAlertSink) => deliverOutbox(events, { alerts, log, service: "checkout" });
const parkedReasons = (): (string | undefined)[] => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageAttributes?.reason?.StringValue);

describe("bad-input catalogue: the alert outbox (deliverOutbox with the SNS and JSONL sinks)", () => {
  it("OUT-01 a malformed event at the head, SNS with a dead-letter queue: parked with poison=true, the rest published, the run not failed", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    const out = await deliver([bad({ type: "open", at: 1 }), openEvent()], snsSink());
    expect(out).toEqual({ sent: 1, parked: 1, poisoned: 1, pending: [] });
    expect(parkedReasons()).toEqual(["id: missing; incident: missing"]);
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageAttributes?.poison?.StringValue).toBe("true");
  });

  it("OUT-02 the same without a dead-letter queue: the event written whole into the error log, the rest published", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const out = await deliver([bad({ type: "open", at: 1 }), openEvent()], snsSink(false));
    expect(out).toEqual({ sent: 1, parked: 1, poisoned: 1, pending: [] });
    expect(log.find("error", "so it is kept in this log line")[0].fields.event).toBe('{"type":"open","at":1}');
  });

  it("OUT-03 the same with the local JSONL sink: the event goes to the dead-letter file with its reason", async () => {
    const file = join(ws.dir, "OUT-03", "alerts.jsonl");
    const out = await deliver([bad({ id: "x#1", type: "opened", incident: incident(), at: 5 }), openEvent()], new JsonlAlertSink(file));
    expect(out).toEqual({ sent: 1, parked: 1, poisoned: 1, pending: [] });
    const dead = JSON.parse(readFileSync(join(ws.dir, "OUT-03", "alerts.dead-letter.jsonl"), "utf8")) as { reason: string };
    expect(dead.reason).toBe('type: expected open, update, resolve or restore, got "opened"');
  });

  it("OUT-04 null in the outbox", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    expect(await deliver([bad(null), openEvent()], snsSink())).toEqual({ sent: 1, parked: 1, poisoned: 1, pending: [] });
    expect(parkedReasons()).toEqual(["expected an object, got null"]);
  });

  it("OUT-05 a non-finite score in an incident (written as null)", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    const event = JSON.parse(JSON.stringify(openEvent({ incident: incident({ peakScore: Infinity }) }))) as IncidentEvent;
    expect(await deliver([event], snsSink())).toEqual({ sent: 0, parked: 1, poisoned: 1, pending: [] });
    expect(parkedReasons()).toEqual(["incident.peakScore: expected a number, got null"]);
  });

  it("OUT-06 an event SNS cannot carry even with every list emptied: poison, not a retry loop", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    expect(await deliver([openEvent()], snsSink(true, 300))).toEqual({ sent: 0, parked: 1, poisoned: 1, pending: [] });
    expect(parkedReasons()[0]).toMatch(/^cannot be made into an SNS message: alert for incident checkout:\d+ cannot fit in 300 bytes even with every list emptied$/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("OUT-07 a 10 MB container name: published within SNS's limit, the list shortened and the shortening said", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const out = await deliver([openEvent({ incident: incident({ containers: [TEN_MB, "task-b2/web"] }) })], snsSink());
    expect(out).toEqual({ sent: 1, parked: 0, poisoned: 0, pending: [] });
    const message = sns.commandCalls(PublishCommand)[0].args[0].input.Message ?? "";
    const body = JSON.parse(message) as { incident: { containers: string[]; containerCount: number }; truncated: unknown };
    expect(body.incident).toMatchObject({ containers: [], containerCount: 2 });
    expect(body.truncated).toEqual({ containers: { shown: 0, total: 2 } });
    expect(message.length).toBeLessThan(262_144);
  });

  it("OUT-08 SNS refuses a well-formed alert: parked as is (not poison) and the run fails so it is seen", async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottledException" }));
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    const out = await deliver([openEvent()], snsSink());
    expect(out).toMatchObject({ sent: 0, parked: 1, poisoned: 0, pending: [] });
    expect(out.error).toMatch(/^SNS publish of incident checkout:\d+ \(open\) to arn:aws:sns:eu-west-1:123456789012:cad-alerts failed: ThrottledException: Rate exceeded; the alert was parked in the dead-letter queue/);
  });

  it("OUT-09 SNS and the dead-letter queue both down: the event and those behind it stay in the outbox, in order", async () => {
    sns.on(PublishCommand).rejects(new Error("getaddrinfo ENOTFOUND sns.eu-west-1.amazonaws.com"));
    sqs.on(SendMessageCommand).rejects(new Error("getaddrinfo ENOTFOUND sqs.eu-west-1.amazonaws.com"));
    const events = [openEvent(), openEvent({ type: "update" })];
    const out = await deliver(events, snsSink());
    expect(out).toMatchObject({ sent: 0, parked: 0, poisoned: 0, pending: events });
    expect(out.error).toContain("the dead-letter queue https://sqs.eu-west-1.amazonaws.com/123456789012/cad-alerts-dlq failed too");
  });
});
