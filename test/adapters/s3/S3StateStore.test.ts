import { GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { S3StateStore } from "../../../runtime/adapters/s3/S3StateStore";
import { StateConflictError } from "../../../runtime/ports";
import { fakeS3Bucket } from "../../helpers/fakeS3Bucket";
import { describeStateStoreContract } from "../../helpers/stateStoreContract";

const s3 = mockClient(S3Client);
const client = new S3Client({ region: "eu-west-1" });

beforeEach(() => s3.reset());

describeStateStoreContract("S3StateStore", () => {
  s3.reset();
  fakeS3Bucket(s3, "cad-state");
  return new S3StateStore({ client, bucket: "cad-state", prefix: "prod/" });
});

describe("S3StateStore requests", () => {
  it("creates with If-None-Match: *, updates with If-Match: <ETag>, as JSON under the prefix, KMS-encrypted when asked", async () => {
    const objects = fakeS3Bucket(s3, "cad-state");
    const store = new S3StateStore({ client, bucket: "cad-state", prefix: "prod/", kmsKeyId: "alias/cad" });
    const v1 = await store.save("thresholds/checkout", { mean: 1 }, undefined);
    await store.save("thresholds/checkout", { mean: 2 }, v1);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      { Bucket: "cad-state", Key: "prod/thresholds/checkout", Body: '{"mean":1}', ContentType: "application/json", IfNoneMatch: "*", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/cad" },
      { Bucket: "cad-state", Key: "prod/thresholds/checkout", Body: '{"mean":2}', ContentType: "application/json", IfMatch: v1, ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/cad" },
    ]);
    expect([...objects.keys()]).toEqual(["prod/thresholds/checkout"]);
    await store.load("thresholds/checkout");
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({ Bucket: "cad-state", Key: "prod/thresholds/checkout" });
  });

  it("maps S3's 409 ConditionalRequestConflict and a deleted object to StateConflictError", async () => {
    const store = new S3StateStore({ client, bucket: "b-1" });
    s3.on(PutObjectCommand).rejects(Object.assign(new Error("conflict"), { name: "ConditionalRequestConflict", $metadata: { httpStatusCode: 409 } }));
    await expect(store.save("k", 1, '"abc"')).rejects.toBeInstanceOf(StateConflictError);
    s3.on(PutObjectCommand).rejects(Object.assign(new Error("gone"), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } }));
    await expect(store.save("k", 1, '"abc"')).rejects.toBeInstanceOf(StateConflictError);
  });

  it("passes other failures through unchanged (e.g. access denied), so the run fails instead of pretending", async () => {
    const denied = Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    s3.on(PutObjectCommand).rejects(denied);
    s3.on(GetObjectCommand).rejects(denied);
    const store = new S3StateStore({ client, bucket: "b-1" });
    await expect(store.save("k", 1, undefined)).rejects.toBe(denied);
    await expect(store.load("k")).rejects.toBe(denied);
  });

  it("names the object when its content is not JSON", async () => {
    const Body = { transformToByteArray: async () => new Uint8Array(Buffer.from("{oops")) } as unknown as GetObjectCommandOutput["Body"];
    s3.on(GetObjectCommand).resolves({ Body, ETag: '"e"' });
    await expect(new S3StateStore({ client, bucket: "b-1", prefix: "p/" }).load("k")).rejects.toThrow(/^s3:\/\/b-1\/p\/k is not valid JSON/);
  });

  it("requires a bucket", () => {
    expect(() => new S3StateStore({ client, bucket: "" })).toThrow(/bucket is required/);
  });
});
