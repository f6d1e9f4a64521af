/**
 * Cohort's command line for sync work outside the web app (`npm run cohort -- --help` lists the commands, their
 * options and the exit codes). It reads the app's environment, completed by the `.env` that `npm run dev` writes,
 * and uses the offline session stored for the shop when the app was installed.
 */
import { COMMANDS, helpText, parseCommand } from "./cohort/commands.js";
import { loadConfiguration } from "./cohort/configuration.js";
import { CliError, EXIT } from "./cohort/exit-codes.js";

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    console.error(helpText());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h") {
    console.log(helpText());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const names = COMMANDS.map((candidate) => candidate.name).join(", ");
    throw new CliError(`unknown command ${name} (commands: ${names}) — see npm run cohort -- --help`, EXIT.usage);
  }
  const parsed = parseCommand(command, args);
  if (parsed.help) {
    console.log(helpText());
    return EXIT.ok;
  }
  if (command.needsConfiguration) loadConfiguration();
  return command.run(parsed);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Expected failures are one line; so is anything else: the message says what failed, a stack would bury it.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`cohort: ${error instanceof CliError ? message : `failed: ${message}`}`);
  process.exitCode = error instanceof CliError ? error.exitCode : EXIT.failed;
}
