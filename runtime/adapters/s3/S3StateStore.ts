import { GetObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { StateConflictError, type StateStore, type Versioned } from "../../ports";
import { checkStateKey } from "../stateKey";

export interface S3StateStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key (e.g. `state/prod/`). Default none. */
  readonly prefix?: string;
  /** When set, objects are written with SSE-KMS under this key (id or ARN). */
  readonly kmsKeyId?: string;
}

interface S3ErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function errorName(error: unknown): string | undefined {
  const e = error as S3ErrorShape | null;
  return e?.name ?? e?.Code;
}
function errorStatus(error: unknown): number | undefined {
  return (error as S3ErrorShape | null)?.$metadata?.httpStatusCode;
}

/**
 * State objects in S3 (JSON records, binary detector states), updated with conditional writes so two overlapping invocations
 * cannot lose an update: a save sends `If-Match: <ETag read>` (or `If-None-Match: *` for a new key), and
 * S3's 412 PreconditionFailed / 409 ConditionalRequestConflict become StateConflictError. The version is the ETag.
 */
export class S3StateStore implements StateStore {
  constructor(private readonly options: S3StateStoreOptions) {
    if (!options.bucket) throw new Error("S3StateStore: bucket is required");
  }

  private objectKey(key: string): string {
    checkStateKey(key);
    return `${this.options.prefix ?? ""}${key}`;
  }

  private where(key: string): string {
    return `s3://${this.options.bucket}/${this.objectKey(key)}`;
  }

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    const stored = await this.loadBytes(key);
    if (!stored) return undefined;
    try {
      return { value: JSON.parse(Buffer.from(stored.value).toString("utf8")) as T, version: stored.version };
    } catch (error) {
      throw new Error(`${this.where(key)} is not valid JSON (${(error as Error).message}); fix or delete the object`, { cause: error });
    }
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    return this.put(key, JSON.stringify(value), "application/json", expectedVersion);
  }

  async loadBytes(key: string): Promise<Versioned<Uint8Array> | undefined> {
    const Key = this.objectKey(key);
    let bytes: Uint8Array;
    let etag: string | undefined;
    try {
      const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key }));
      if (!out.Body) throw new Error(`${this.where(key)}: GetObject returned no body`);
      bytes = await out.Body.transformToByteArray();
      etag = out.ETag;
    } catch (error) {
      if (errorName(error) === "NoSuchKey" || errorStatus(error) === 404) return undefined;
      throw error;
    }
    if (!etag) throw new Error(`${this.where(key)}: GetObject returned no ETag, so the state cannot be updated safely`);
    return { value: bytes, version: etag };
  }

  async saveBytes(key: string, bytes: Uint8Array, expectedVersion: string | undefined): Promise<string> {
    return this.put(key, bytes, "application/octet-stream", expectedVersion);
  }

  private async put(key: string, body: string | Uint8Array, contentType: string, expectedVersion: string | undefined): Promise<string> {
    const input: PutObjectCommandInput = {
      Bucket: this.options.bucket,
      Key: this.objectKey(key),
      Body: body,
      ContentType: contentType,
      ...(expectedVersion === undefined ? { IfNoneMatch: "*" } : { IfMatch: expectedVersion }),
      ...(this.options.kmsKeyId ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: this.options.kmsKeyId } : {}),
    };
    try {
      const out = await this.options.client.send(new PutObjectCommand(input));
      if (!out.ETag) throw new Error(`${this.where(key)}: PutObject returned no ETag`);
      return out.ETag;
    } catch (error) {
      const name = errorName(error);
      const status = errorStatus(error);
      if (name === "PreconditionFailed" || name === "ConditionalRequestConflict" || status === 412 || status === 409) {
        throw new StateConflictError(key);
      }
      // If-Match on an object deleted since it was loaded: also another writer's doing.
      if (expectedVersion !== undefined && (name === "NoSuchKey" || status === 404)) throw new StateConflictError(key);
      throw error;
    }
  }
}
