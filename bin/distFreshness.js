// Whether dist/ (what `npm run build` compiles, see bin/build.js) is there and newer than the TypeScript it was
// compiled from. Read by bin/cad.js on every start (a stat per source file: a few milliseconds) and by the test
// set-up, which rebuilds a stale dist/ so that tests spawning bin/cad.js run the sources under test.
"use strict";
const { readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
const DIST = join(ROOT, "dist");
/** Written last by bin/build.js: `{ builtAt: epoch ms when the compile started, sources: repo-relative .ts paths }`. */
const BUILD_INFO = join(DIST, "build.json");

/** Why dist/ cannot be run as it is ("" when it can): missing, unfinished, or older than a source file. */
function distProblem(root = ROOT) {
  const infoFile = join(root, "dist", "build.json");
  let info;
  try {
    info = JSON.parse(readFileSync(infoFile, "utf8"));
  } catch {
    return "the CLI is not compiled (dist/ is missing or its build did not finish)";
  }
  for (const source of info.sources) {
    let mtimeMs;
    try {
      mtimeMs = statSync(join(root, source)).mtimeMs;
    } catch {
      return `the compiled CLI is stale: ${source} was removed since the last build`;
    }
    if (mtimeMs > info.builtAt) return `the compiled CLI is stale: ${source} changed since the last build`;
  }
  return "";
}

module.exports = { ROOT, DIST, BUILD_INFO, distProblem };
