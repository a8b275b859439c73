import { Command, CommanderError } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./cliError";
import { commandFactories } from "./commands";
import { failureMessage } from "./failureMessage";

/** Gives every command that does the work (no sub-commands) a `--verbose` flag, unless it has its own. */
function withVerbose(command: Command): Command {
  if (command.commands.length > 0) {
    for (const sub of command.commands) withVerbose(sub);
  } else if (!command.options.some((o) => o.long === "--verbose")) {
    command.option("--verbose", "on failure, print the stack trace too");
  }
  return command;
}

/** Builds the `cad` program (exported for tests that parse without spawning a process). */
export function buildProgram(): Command {
  const program = new Command("cad")
    .description("container-anomaly-detection: learn what normal looks like for ECS containers, detect, alert and scale.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const make of commandFactories) program.addCommand(withVerbose(make()).exitOverride());
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. A failure prints one line on stderr
 * (`cad: …`); the stack trace only with --verbose.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the message; help and version are successful exits.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version") return 0;
      return EXIT_USAGE;
    }
    process.stderr.write(failureMessage(err, verbose));
    return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
  }
}
