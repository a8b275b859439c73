import type { ObjectStore } from "../../runtime/ports";

/** An S3-backed object store; the S3 client is loaded only here, so commands that never touch S3 start faster. */
export async function s3ObjectStore(bucket: string, region: string, endpointUrl: string | undefined): Promise<ObjectStore> {
  const [{ S3Client }, { S3ObjectStore }] = await Promise.all([import("@aws-sdk/client-s3"), import("../../runtime/adapters/s3/S3ObjectStore")]);
  return new S3ObjectStore(new S3Client({ region, ...(endpointUrl ? { endpoint: endpointUrl, forcePathStyle: true } : {}) }), bucket);
}
