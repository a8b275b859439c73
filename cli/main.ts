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
 * The message for a first operand that names no sub-command of a command that has them (`cad nosuch --help`,
 * `cad dataset nosuch`), or undefined. Commander itself would show the parent's help for those and exit 0.
 */
export function unknownCommandMessage(program: Command, argv: readonly string[]): string | undefined {
  let command = program;
  const path: string[] = [];
  for (const arg of argv) {
    if (command.commands.length === 0 || arg.startsWith("-")) return undefined;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub === undefined) {
      if (arg === "help") return undefined;
      const names = command.commands.map((c) => c.name());
      return `error: unknown command '${[...path, arg].join(" ")}' (${path.length > 0 ? `${path.join(" ")} commands` : "commands"}: ${names.join(", ")})`;
    }
    path.push(arg);
    command = sub;
  }
  return undefined;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. A failure prints one line on stderr
 * (`cad: …`); the stack trace only with --verbose.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  // The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22: noise for
  // a CLI user on every command (the lock file pins the SDK we test). --verbose keeps it.
  if (!verbose) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const program = buildProgram();
  const unknown = unknownCommandMessage(program, argv);
  if (unknown !== undefined) {
    process.stderr.write(`${unknown}\n(run with --help for usage)\n`);
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
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
