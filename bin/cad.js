#!/usr/bin/env node
// The `cad` command: the local CLI of container-anomaly-detection (see `cad --help`).
// tsx's CommonJS loader runs the TypeScript sources directly, so `npx cad` works right after `npm ci`.
"use strict";
require("tsx/cjs");
const { runCli } = require("../cli/main.ts");
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
