import { resolve } from "node:path";
import { env, InvalidEnvironmentError } from "../../app/env.server.js";
import { ENV_FILE_NAME, loadEnvFile } from "../local-env-file.js";
import { CliError, EXIT } from "./exit-codes.js";

/**
 * The app's environment for a command: the shell's variables, completed by `.env` in the current directory (the
 * repository root under `npm run`, where `npm run dev` writes it). A missing or malformed variable is a
 * configuration error naming every one of them.
 */
export function loadConfiguration(directory = process.cwd()): void {
  const path = resolve(directory, ENV_FILE_NAME);
  try {
    loadEnvFile(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.configuration);
  }
  try {
    env();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      throw new CliError(configurationProblem(error.problems), EXIT.configuration);
    }
    throw error;
  }
}

/** One line for all the problems: the missing variables by name, then what is wrong with each malformed one. */
export function configurationProblem(problems: readonly string[]): string {
  const missing = problems.filter((problem) => / is required\b/.test(problem)).map((problem) => problem.split(" ")[0]);
  const malformed = problems.filter((problem) => !/ is required\b/.test(problem));
  const parts = [
    ...(missing.length ? [`missing configuration: ${missing.join(", ")}`] : []),
    ...(malformed.length ? [`malformed configuration: ${malformed.join("; ")}`] : []),
  ];
  const remedy = missing.length
    ? `run npm run dev once (it writes ${ENV_FILE_NAME}) or set them`
    : `fix them in the shell or in ${ENV_FILE_NAME}`;
  return `${parts.join("; ")} — ${remedy}`;
}
