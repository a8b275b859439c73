import { describe, expect, it } from "vitest";
import {
  accountRootOf,
  isBroadManagedPolicyArn,
  isFullWildcardAction,
  isReadOnlyAction,
  isServiceWildcardAction,
  parsePolicyDocument,
  PolicyDocumentError,
} from "../../../policies/lib/policyDocument";

describe("parsePolicyDocument", () => {
  const document = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Publish", Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:eu-west-1:123456789012:alerts" },
      { Effect: "Deny", NotAction: ["s3:GetObject"], NotResource: "*", Principal: { AWS: ["*"] }, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  };

  it("normalises a JSON string and an object to the same statements", () => {
    expect(parsePolicyDocument(JSON.stringify(document))).toEqual(parsePolicyDocument(document));
  });

  it("turns string-or-list fields into lists and reads the principal", () => {
    const [publish, deny] = parsePolicyDocument(document);
    expect(publish).toMatchObject({ sid: "Publish", effect: "Allow", actions: ["sns:Publish"], resources: ["arn:aws:sns:eu-west-1:123456789012:alerts"], principal: undefined });
    expect(deny).toMatchObject({ effect: "Deny", actions: [], notActions: ["s3:GetObject"], notResources: ["*"] });
    expect(deny?.principal).toEqual({ wildcard: true, aws: ["*"], service: [], federated: [] });
    expect(deny?.condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("accepts a single statement object and the '*' principal", () => {
    const [only] = parsePolicyDocument({ Statement: { Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" } });
    expect(only?.principal?.wildcard).toBe(true);
  });

  it.each([
    ["not JSON", "{ nope", /not valid JSON/],
    ["not an object", 42, /must be a JSON object/],
    ["no Statement", { Version: "2012-10-17" }, /has no Statement/],
    ["bad Effect", { Statement: [{ Effect: "Maybe", Action: "*" }] }, /Statement\[0\]\.Effect must be "Allow" or "Deny", got "Maybe"/],
    ["Action of numbers", { Statement: [{ Effect: "Allow", Action: [1] }] }, /Statement\[0\]\.Action must be a string or a list of strings/],
    ["Principal of a number", { Statement: [{ Effect: "Allow", Principal: 3 }] }, /Statement\[0\]\.Principal must be/],
    ["Condition as string", { Statement: [{ Effect: "Allow", Condition: "x" }] }, /Statement\[0\]\.Condition must be an object/],
  ])("rejects %s with a message naming the field", (_case, input, message) => {
    expect(() => parsePolicyDocument(input)).toThrow(PolicyDocumentError);
    expect(() => parsePolicyDocument(input)).toThrow(message);
  });
});

describe("action predicates", () => {
  it("tells full and service wildcards apart", () => {
    expect(isFullWildcardAction("*")).toBe(true);
    expect(isFullWildcardAction("s3:*")).toBe(false);
    expect(isServiceWildcardAction("s3:*")).toBe(true);
    expect(isServiceWildcardAction("s3:Get*")).toBe(false);
  });

  it.each(["s3:GetObject", "s3:Get*", "ecs:DescribeServices", "s3:ListBucket", "dynamodb:Query", "logs:BatchGetQuery"])("%s is read-only", (action) => {
    expect(isReadOnlyAction(action)).toBe(true);
  });

  it.each(["s3:PutObject", "s3:*", "*", "ecs:UpdateService", "sns:Publish", "s3:*Object"])("%s is a write", (action) => {
    expect(isReadOnlyAction(action)).toBe(false);
  });
});

describe("isBroadManagedPolicyArn", () => {
  it.each([
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/AmazonCognitoPowerUser",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
    "arn:aws:iam::aws:policy/CloudWatchFullAccessV2",
    "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
  ])("flags %s", (arn) => expect(isBroadManagedPolicyArn(arn)).toBe(true));

  it.each([
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::123456789012:policy/MyFullAccess",
  ])("accepts %s", (arn) => expect(isBroadManagedPolicyArn(arn)).toBe(false));
});

describe("accountRootOf", () => {
  it("reads account roots and bare account ids", () => {
    expect(accountRootOf("arn:aws:iam::123456789012:root")).toBe("123456789012");
    expect(accountRootOf("123456789012")).toBe("123456789012");
    expect(accountRootOf("arn:aws:iam::123456789012:role/deployer")).toBeUndefined();
  });
});
