import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectStore } from "../../ports";
import { errorMessage } from "../../errors/errorMessage";

/**
 * ObjectStore on an S3 bucket. Keys are used as given (no prefix is added). The client is injected: built
 * once per Lambda cold start, or pointed at a local S3 API in tests.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`S3ObjectStore: "${bucket}" is not a valid S3 bucket name`);
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (err) {
      throw new Error(`s3: writing s3://${this.bucket}/${key} failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new Error("the response has no body");
      return await out.Body.transformToString("utf-8");
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof Error && err.name === "NoSuchKey")) return undefined;
      throw new Error(`s3: reading s3://${this.bucket}/${key} failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })).catch((err: unknown) => {
        throw new Error(`s3: listing s3://${this.bucket}/${prefix} failed: ${errorMessage(err)}`, { cause: err });
      });
      for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
