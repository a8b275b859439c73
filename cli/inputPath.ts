import { accessSync, constants, statSync } from "node:fs";
import { CliError, EXIT_USAGE } from "./cliError";

type Kind = "file" | "folder";

/**
 * Checks that an input path given on the command line is there, is a `kind`, and can be read; a usage error
 * (exit 2) naming the option and the path otherwise. Used as a commander argument parser, so every command
 * refuses a missing input the same way before it starts any work.
 */
export function checkInputPath(option: string, path: string, kind: Kind): string {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new CliError(`${option} ${path}: no such ${kind}`, EXIT_USAGE);
    throw new CliError(`${option} ${path}: cannot read it (${(err as Error).message})`, EXIT_USAGE);
  }
  if (isFolder !== (kind === "folder")) throw new CliError(`${option} ${path}: is a ${isFolder ? "folder" : "file"}, expected a ${kind}`, EXIT_USAGE);
  try {
    accessSync(path, kind === "folder" ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (err) {
    throw new CliError(`${option} ${path}: cannot read it (${(err as Error).message})`, EXIT_USAGE);
  }
  return path;
}

/** A commander argument parser for an input file option (see {@link checkInputPath}). */
export const inputFile = (option: string) => (value: string): string => checkInputPath(option, value, "file");

/** A commander argument parser for an input folder option (see {@link checkInputPath}). */
export const inputFolder = (option: string) => (value: string): string => checkInputPath(option, value, "folder");
