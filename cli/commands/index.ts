import type { Command } from "commander";
import { collectCommand } from "./collect";
import { demoCommand } from "./demo";

/**
 * Every `cad` sub-command, in the order `cad --help` lists them. Each module exports a factory that builds
 * its commander Command; this list is the only place that knows them all.
 */
export const commandFactories: readonly (() => Command)[] = [demoCommand, collectCommand];
