import { createHash } from "node:crypto";
import {
  GetObjectCommand,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-s3";
import type { AwsStub } from "aws-sdk-client-mock";

function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/**
 * Makes an aws-sdk-client-mock S3 stub behave like one real bucket for GetObject/PutObject, including
 * S3's conditional writes (If-Match / If-None-Match: * → 412 PreconditionFailed), which s3rver ignores.
 * Every call yields to the event loop first, so overlapping callers really interleave.
 */
export function fakeS3Bucket(stub: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>, bucket: string): Map<string, { body: Buffer; etag: string }> {
  const objects = new Map<string, { body: Buffer; etag: string }>();
  stub.on(GetObjectCommand).callsFake(async (input: { Bucket?: string; Key?: string }) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (input.Bucket !== bucket) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    const o = objects.get(input.Key ?? "");
    if (!o) throw s3Error("NoSuchKey", 404, "The specified key does not exist.");
    const Body = { transformToString: async () => o.body.toString("utf8"), transformToByteArray: async () => new Uint8Array(o.body) } as unknown as GetObjectCommandOutput["Body"];
    return { Body, ETag: o.etag };
  });
  stub.on(PutObjectCommand).callsFake(async (input: { Bucket?: string; Key?: string; Body?: unknown; IfMatch?: string; IfNoneMatch?: string }) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (input.Bucket !== bucket) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist");
    const key = input.Key ?? "";
    const current = objects.get(key);
    if (input.IfNoneMatch === "*" && current) throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
    if (input.IfMatch !== undefined && current?.etag !== input.IfMatch) {
      throw s3Error(current ? "PreconditionFailed" : "NoSuchKey", current ? 412 : 404, "At least one of the pre-conditions you specified did not hold");
    }
    const body = input.Body instanceof Uint8Array ? Buffer.from(input.Body) : Buffer.from(String(input.Body), "utf8");
    // Like S3 for single-part uploads: the ETag is the MD5 of the content.
    const etag = `"${createHash("md5").update(body).digest("hex")}"`;
    objects.set(key, { body, etag });
    return { ETag: etag };
  });
  return objects;
}
