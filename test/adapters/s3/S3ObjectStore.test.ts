import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../../runtime/adapters/s3/S3ObjectStore";
import { startLocalS3, type LocalS3 } from "../../helpers/localS3";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.close();
});

describe("S3ObjectStore against s3rver", () => {
  it("puts, overwrites, gets and lists objects by prefix", async () => {
    await s3.store.put("metrics/service=a/date=2026-11-25/x.csv", "one\n", "text/csv");
    await s3.store.put("metrics/service=a/date=2026-11-25/x.csv", "two\n", "text/csv");
    await s3.store.put("metrics/service=b/date=2026-11-25/y.csv", "three\n", "text/csv");
    expect(await s3.store.get("metrics/service=a/date=2026-11-25/x.csv")).toBe("two\n");
    expect(await s3.store.list("metrics/service=a/")).toEqual(["metrics/service=a/date=2026-11-25/x.csv"]);
    expect(await s3.store.list("metrics/")).toHaveLength(2);
  });

  it("returns undefined for a missing key and names bucket and key when a write fails", async () => {
    expect(await s3.store.get("nope.csv")).toBeUndefined();
    const other = new S3ObjectStore(s3.client, "no-such-bucket");
    await expect(other.put("k.csv", "x", "text/csv")).rejects.toThrow(/^s3: writing s3:\/\/no-such-bucket\/k.csv failed: /);
  });

  it("rejects an invalid bucket name up front", () => {
    expect(() => new S3ObjectStore(s3.client, "Bad_Bucket")).toThrow('S3ObjectStore: "Bad_Bucket" is not a valid S3 bucket name');
  });
});
