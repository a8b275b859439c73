import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, file), "utf8")) as Record<string, unknown>;

// `npx cad` in the repository takes npm's slow path when the root package itself declares the bin: it installs the
// package into npx's cache (18 s the first time in a fresh clone, ~1.5 s after) before running it. A bin found in
// node_modules/.bin runs directly. So the bin belongs to a small linked package, bin/package.json.
describe("the cad bin's link", () => {
  it("is not declared by the root package, but by the devDependency cad-cli (file:bin)", () => {
    const root = json("package.json");
    expect(root.bin).toBeUndefined();
    expect((root.devDependencies as Record<string, string>)["cad-cli"]).toBe("file:bin");
    expect(json("bin/package.json")).toMatchObject({ name: "cad-cli", private: true, bin: { cad: "cad.js" } });
  });

  it("is in the lock file, so npm ci links node_modules/.bin/cad to bin/cad.js", () => {
    const packages = json("package-lock.json").packages as Record<string, Record<string, unknown>>;
    expect(packages["node_modules/cad-cli"]).toEqual({ resolved: "bin", link: true });
    expect(packages.bin).toMatchObject({ name: "cad-cli", dev: true, bin: { cad: "cad.js" } });
    expect(packages[""].bin).toBeUndefined();
  });

  it("is installed: node_modules/.bin/cad points at the linked package's cad.js", () => {
    expect(readlinkSync(join(ROOT, "node_modules", ".bin", "cad"))).toBe("../cad-cli/cad.js");
    expect(readlinkSync(join(ROOT, "node_modules", "cad-cli"))).toBe("../bin");
  });
});
