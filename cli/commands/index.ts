import type { Command } from "commander";
import { backtestCommand } from "./backtest";
import { collectCommand } from "./collect";
import { datasetCommand } from "./dataset";
import { demoCommand } from "./demo";
import { evaluateCommand } from "./evaluate";
import { feedbackCommand } from "./feedback";
import { labelledCommand } from "./labelled";
import { nabCommand } from "./nab";
import { qualityCommand } from "./quality";
import { trainCommand } from "./train";

/**
 * Every `cad` sub-command, in the order `cad --help` lists them. Each module exports a factory that builds
 * its commander Command; this list is the only place that knows them all. The modules hold definitions only
 * (options, parsers, help): each action imports its implementation when it runs, so `cad --help` loads none of
 * them (test/cli/commands/helpLoadsNoImplementation.test.ts).
 */
export const commandFactories: readonly (() => Command)[] = [
  demoCommand,
  collectCommand,
  datasetCommand,
  trainCommand,
  backtestCommand,
  feedbackCommand,
  nabCommand,
  evaluateCommand,
  labelledCommand,
  qualityCommand,
];
