import { describe, expect, it } from "vitest";
import { detectorEnvironment, largestVariables, worstCaseEnvironments } from "../../infra/functionEnvironment";
import type { Env } from "../../runtime/lambda/envVariables";
import { LAMBDA_ENV, parseDetectEnv } from "../../runtime/lambda/lambdaEnv";
import { configErrorOf as errorOf, parseDevWith as parseWith } from "../helpers/parseDevStack";

const CALENDAR = {
  services: ["checkout", "payments"],
  timeZone: "Europe/Berlin",
  weekly: [
    { days: ["mon", "tue", "wed", "thu", "fri"], from: "00:00", to: "07:00", level: 0.4 },
    { days: ["sat", "sun"], level: 0.3 },
  ],
  holidays: [{ date: "2026-12-25", name: "Christmas" }, { date: "2026-12-24", like: "sat" }],
};

const stringEnv = (env: Record<string, unknown>): Env => Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string")) as Env;

describe("calendars in the stack config's rules key", () => {
  it("are optional: without them the rules carry no calendars and the environment no calendar", () => {
    expect(parseWith({}).rules.calendars).toBeUndefined();
    expect(parseWith({ rules: { calendars: [] } }).rules).toEqual({ metrics: [], maintenance: [], onDeployment: "alert" });
    expect(detectorEnvironment(parseWith({ rules: { calendars: [] } }), { bucketName: "b", topicArn: "t", deadLetterQueueUrl: "u" })[LAMBDA_ENV.rules]).toBeUndefined();
  });

  it("parse with their defaults and reach the detect Lambda through CAD_RULES, which reads back the same calendars", () => {
    const cfg = parseWith({ rules: { calendars: [CALENDAR] } });
    expect(cfg.rules.calendars).toEqual([
      {
        services: ["checkout", "payments"],
        timeZone: "Europe/Berlin",
        weekly: [
          { days: ["mon", "tue", "wed", "thu", "fri"], fromHour: 0, toHour: 7, level: 0.4 },
          { days: ["sat", "sun"], fromHour: 0, toHour: 24, level: 0.3 },
        ],
        holidays: [
          { date: "2026-12-25", name: "Christmas", like: "sun" },
          { date: "2026-12-24", like: "sat" },
        ],
      },
    ]);
    const env = detectorEnvironment(cfg, { bucketName: "b", topicArn: "arn:aws:sns:eu-west-1:000000000000:t", deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/000000000000/q" });
    expect(env[LAMBDA_ENV.rules]).toContain("Europe/Berlin");
    expect(parseDetectEnv({ ...stringEnv(env), CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200" }).rules).toEqual(cfg.rules);
  });

  it("count toward the detector environment's 4 KB: a calendar that fills it is refused naming rules", () => {
    const small = worstCaseEnvironments(parseWith({ rules: { calendars: [CALENDAR] } })).detector;
    const without = worstCaseEnvironments(parseWith({})).detector;
    expect(JSON.stringify(small).length).toBeGreaterThan(JSON.stringify(without).length + 200);
    const holidays = Array.from({ length: 120 }, (_, i) => ({ date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), name: `holiday number ${i}` }));
    const error = errorOf({ rules: { calendars: [{ ...CALENDAR, holidays }] } });
    expect(error.key).toBe("container-anomaly-detection:rules");
    expect(error.message).toMatch(/within Lambda's 4096 bytes \(it would be about \d+: CAD_RULES \d+/);
    expect(largestVariables(small).map((v) => v.name)).toContain("CAD_RULES");
  });

  it.each([
    ["an unknown time zone", { ...CALENDAR, timeZone: "Berlin" }, "rules.calendars[0].timeZone", /an IANA time zone, e.g. "Europe\/Berlin", got "Berlin"/],
    ["a minute that is not :00", { ...CALENDAR, weekly: [{ days: ["mon"], from: "08:30", level: 1 }] }, "rules.calendars[0].weekly[0].from", /a whole local hour "HH:00" from "00:00" to "23:00", got "08:30"/],
    ["a range ending before it starts", { ...CALENDAR, weekly: [{ days: ["fri"], from: "20:00", to: "06:00", level: 0.5 }] }, "rules.calendars[0].weekly[0].to", /a time after from/],
    ["a level of zero", { ...CALENDAR, weekly: [{ days: ["sun"], level: 0 }] }, "rules.calendars[0].weekly[0].level", /a number from 0\.01 to 100/],
    ["a weekday misspelt", { ...CALENDAR, weekly: [{ days: ["sunday"], level: 0.3 }] }, "rules.calendars[0].weekly[0].days[0]", /a list of weekdays \(sun, mon, tue, wed, thu, fri, sat\), got "sunday"/],
    ["an impossible date", { ...CALENDAR, holidays: [{ date: "2026-02-30" }] }, "rules.calendars[0].holidays[0].date", /a date "YYYY-MM-DD", got "2026-02-30"/],
    ["a date listed twice", { ...CALENDAR, holidays: [{ date: "2026-12-25" }, { date: "2026-12-25", like: "sat" }] }, "rules.calendars[0].holidays", /holidays with distinct dates/],
    ["a misspelt key", { ...CALENDAR, holiday: [] }, "rules.calendars[0].holiday", /one of the known fields: services, timeZone, weekly, holidays, metrics/],
    ["a metric not in the feature set", { ...CALENDAR, metrics: ["requests"] }, "rules.calendars[0].metrics[0]", /a metric of the feature set \(container\.cpu\.utilization, .*\), got "requests"/],
  ])("%s: the error names the key", (_what, calendar, field, message) => {
    const e = errorOf({ rules: { calendars: [calendar] } });
    expect(e.key).toBe(`container-anomaly-detection:${field}`);
    expect(e.message).toMatch(message);
  });

  it("refuses a service named by two calendars", () => {
    const e = errorOf({ rules: { calendars: [CALENDAR, { ...CALENDAR, services: ["payments"] }] } });
    expect(e.key).toBe("container-anomaly-detection:rules.calendars");
    expect(e.message).toMatch(/calendars naming each service once/);
  });
});
