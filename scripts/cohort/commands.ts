import { parseArgs } from "node:util";
import { SYNC_RESOURCES, type SyncResource } from "../../app/services/sync/ports.js";
import { ENV_FILE_NAME } from "../local-env-file.js";
import { CliError, EXIT, EXIT_CODE_MEANINGS } from "./exit-codes.js";

export interface OptionSpec {
  type: "boolean" | "string";
  /** What a string option takes, shown in the usage: `--only <customers|orders>`. */
  value?: string;
  choices?: readonly string[];
  description: string;
}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export interface CommandSpec {
  name: string;
  arguments: readonly string[];
  description: string;
  options: Record<string, OptionSpec>;
  /** Whether it needs the app's environment (and so the database); `help` does not. */
  needsConfiguration: boolean;
  run(command: ParsedCommand): Promise<number>;
}

/** `name` or `name.myshopify.com`. */
export function shopDomain(input: string): string {
  return input.includes(".") ? input : `${input}.myshopify.com`;
}

// The commands import the database wiring when they run, after the environment is checked: it reads it when loaded.
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "sync",
    arguments: ["<shop>"],
    description:
      "Backfill the shop's customers and orders from Shopify's bulk export, with a progress bar. An interrupted " +
      "sync resumes where it stopped.",
    options: {
      full: { type: "boolean", description: "start a new export instead of resuming the last one" },
      only: {
        type: "string",
        value: SYNC_RESOURCES.join("|"),
        choices: SYNC_RESOURCES,
        description: "sync one resource (default: customers, then orders)",
      },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const { sync } = await import("./sync.js");
      const only = values.only as SyncResource | undefined;
      return sync(shopDomain(positionals[0]!), {
        resources: only ? [only] : SYNC_RESOURCES,
        full: values.full === true,
      });
    },
  },
  {
    name: "status",
    arguments: ["<shop>"],
    description:
      "Per resource: records Cohort holds, backfill progress, last run, watermark, limitation and last error; the " +
      "last webhook applied; the privacy requests that keep failing and are being retried.",
    options: {},
    needsConfiguration: true,
    async run({ positionals }) {
      const { status } = await import("./status.js");
      return status(shopDomain(positionals[0]!));
    },
  },
  {
    name: "help",
    arguments: [],
    description: "Print this help (also --help or -h after any command).",
    options: {},
    needsConfiguration: false,
    async run() {
      console.log(helpText());
      return EXIT.ok;
    },
  },
];

export function usageOf(command: CommandSpec): string {
  const options = Object.entries(command.options).map(([name, option]) =>
    option.type === "boolean" ? `[--${name}]` : `[--${name} <${option.value ?? "value"}>]`,
  );
  return [command.name, ...command.arguments, ...options].join(" ");
}

/** Words in lines of at most `width` characters, each indented. */
function wrap(text: string, indent: string, width = 110): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, indent + line];
}

export function helpText(): string {
  const commands = COMMANDS.flatMap((command) => [
    `  ${usageOf(command)}`,
    ...wrap(command.description, "      "),
    ...Object.entries(command.options).map(([name, option]) => {
      const flag = option.type === "boolean" ? `--${name}` : `--${name} <${option.value ?? "value"}>`;
      return `      ${flag.padEnd(28)} ${option.description}`;
    }),
  ]);
  return [
    "Cohort's command line: sync work outside the web app.",
    "",
    "Usage: npm run cohort -- <command> [arguments] [options]",
    "",
    "Commands:",
    ...commands,
    "",
    "<shop> is name or name.myshopify.com.",
    "",
    "Environment: the app's (DATABASE_URL, SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL, SCOPES;",
    `SHOPIFY_EMULATOR_URL against the local Shopify). Variables missing from the shell are read from ${ENV_FILE_NAME} in`,
    "the current directory (the repository root under npm run), which npm run dev writes; the shell's values win.",
    "",
    "Exit codes:",
    ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(4)}${meaning}`),
  ].join("\n");
}

const SEE_HELP = "see npm run cohort -- --help";

function parseError(command: CommandSpec, error: unknown): CliError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    return new CliError(`${command.name}: unknown option ${option} — ${SEE_HELP}`, EXIT.usage);
  }
  if (code.startsWith("ERR_PARSE_ARGS")) {
    return new CliError(`${command.name}: ${message.split(". ")[0]} — ${SEE_HELP}`, EXIT.usage);
  }
  return new CliError(message, EXIT.failed);
}

/** The command's arguments and options, checked; `help` is set when --help or -h was given. */
export function parseCommand(command: CommandSpec, args: string[]): ParsedCommand & { help: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: {
        ...Object.fromEntries(Object.entries(command.options).map(([name, option]) => [name, { type: option.type }])),
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw parseError(command, error);
  }
  const values = parsed.values as ParsedCommand["values"];
  if (values.help) return { positionals: parsed.positionals, values, help: true };
  if (parsed.positionals.length !== command.arguments.length) {
    throw new CliError(`usage: npm run cohort -- ${usageOf(command)} — ${SEE_HELP}`, EXIT.usage);
  }
  for (const [name, option] of Object.entries(command.options)) {
    const value = values[name];
    if (option.choices && typeof value === "string" && !option.choices.includes(value)) {
      throw new CliError(`${command.name}: --${name} takes ${option.choices.join(" or ")} — ${SEE_HELP}`, EXIT.usage);
    }
  }
  return { positionals: parsed.positionals, values, help: false };
}
