#!/usr/bin/env node
// The `cad` command: the local CLI of container-anomaly-detection (see `cad --help`).
"use strict";
require("tsx/cjs");
require("../cli/main.ts");
