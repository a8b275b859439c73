#!/usr/bin/env node
// `npm test`'s static checks: `npm run typecheck` and `npm run lint` at the same time. Each is one single-threaded
// process (tsc ~33 s, eslint ~20 s on a 2-core machine): run one after the other they left a core idle for the
// whole of the typecheck. Each one's output is printed whole once it ends (not interleaved); the exit code is
// non-zero when either fails, so `npm test` stops before vitest as it did with `typecheck && lint`.
"use strict";
const { spawn } = require("node:child_process");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");

/** Runs `npm run <script>`, buffering its output; resolves with the exit code and that output. */
function run(script) {
  return new Promise((done) => {
    const child = spawn(`npm run ${script}`, { cwd: ROOT, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (text) => (output += text));
    }
    child.on("error", (err) => done({ script, code: 1, output: `${output}${err.message}\n` }));
    child.on("close", (code, signal) => done({ script, code: code ?? (signal ? 1 : 0), output }));
  });
}

Promise.all(["typecheck", "lint"].map(run)).then((results) => {
  for (const r of results) {
    process.stdout.write(r.output);
    if (r.code !== 0) process.stderr.write(`npm run ${r.script} failed (exit ${r.code})\n`);
  }
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});
