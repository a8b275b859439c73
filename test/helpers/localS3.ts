import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { S3ObjectStore } from "../../runtime/adapters/s3/S3ObjectStore";

/** s3rver (a real S3 API over HTTP) on 127.0.0.1 with one empty bucket, and our S3ObjectStore on it. */
export interface LocalS3 {
  readonly client: S3Client;
  readonly store: S3ObjectStore;
  readonly bucket: string;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = "cad-metrics-test"): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "cad-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    client,
    store: new S3ObjectStore(client, bucket),
    bucket,
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
