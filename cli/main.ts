import { Command, CommanderError } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./cliError";
import { commandFactories } from "./commands";

/** Builds the `cad` program (exported for tests that parse without spawning a process). */
export function buildProgram(): Command {
  const program = new Command("cad")
    .description("container-anomaly-detection: learn what normal looks like for ECS containers, detect, alert and scale.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const make of commandFactories) program.addCommand(make().exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the message; help and version are successful exits.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version") return 0;
      return EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`cad: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`cad: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILURE;
  }
}
