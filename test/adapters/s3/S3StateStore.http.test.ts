import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3StateStore } from "../../../runtime/adapters/s3/S3StateStore";
import { StateConflictError } from "../../../runtime/ports";
import { S3Server } from "../../servers/s3Server";
import { describeStateStoreContract } from "../../helpers/stateStoreContract";

// The real SDK over real HTTP: proves the conditional headers go on the wire and S3's 412 XML error maps
// to StateConflictError (the mock-based test cannot show either).
let server: S3Server;
beforeAll(async () => {
  server = await S3Server.start();
});
afterAll(async () => {
  await server.close();
});

function store(prefix: string): S3StateStore {
  const client = new S3Client({ region: "eu-west-1", endpoint: server.endpoint, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return new S3StateStore({ client, bucket: "cad-state", prefix });
}

let n = 0;
describeStateStoreContract("S3StateStore over HTTP", () => store(`run${++n}/`));

describe("S3StateStore over HTTP", () => {
  it("sends If-None-Match / If-Match headers and maps 412 to StateConflictError", async () => {
    const s = store("headers/");
    const v1 = await s.save("k", { a: 1 }, undefined);
    await expect(s.save("k", { a: 2 }, undefined)).rejects.toBeInstanceOf(StateConflictError);
    await s.save("k", { a: 3 }, v1);
    await expect(s.save("k", { a: 4 }, v1)).rejects.toBeInstanceOf(StateConflictError);
    const puts = server.requests.filter((r) => r.method === "PUT" && r.path === "cad-state/headers/k");
    expect(puts.map((r) => [r.ifNoneMatch, r.ifMatch])).toEqual([
      ["*", undefined],
      ["*", undefined],
      [undefined, v1],
      [undefined, v1],
    ]);
    expect(JSON.parse(server.objects.get("cad-state/headers/k")?.body.toString() ?? "")).toEqual({ a: 3 });
  });
});
