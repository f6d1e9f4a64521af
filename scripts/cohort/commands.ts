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
    name: "segments",
    arguments: ["<shop>"],
    description: "The shop's segments, each with its number of members and its query.",
    options: {},
    needsConfiguration: true,
    async run({ positionals }) {
      const { listSegmentsOf } = await import("./segments.js");
      return listSegmentsOf(shopDomain(positionals[0]!));
    },
  },
  {
    name: "segment",
    arguments: ["create", "<shop>", "<name>", "[query]"],
    description:
      "Save a segment from a query in Shopify's segment syntax (e.g. 'number_of_orders >= 3 AND last_order_date < " +
      "-90d') or from a template, and give it its members at once. A query with errors is refused with each " +
      "error's position and a hint; nothing is saved.",
    options: {
      template: { type: "string", value: "id", description: "start from a template (see the templates command)" },
      param: { type: "string", value: "name=value", description: "a template's parameter, e.g. countryCode=CA" },
      "stay-while": {
        type: "string",
        value: "query",
        description: "a looser query members stay while it holds (enter at amount_spent >= 500, stay while >= 450)",
      },
      "leave-after-days": {
        type: "string",
        value: "N",
        description: "a member leaves only after N days continuously outside the rules",
      },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const [action, shop, name, query] = positionals;
      if (action !== "create")
        throw new CliError(`segment: the action is create, not ${action} — ${SEE_HELP}`, EXIT.usage);
      const { createSegmentOf } = await import("./segments.js");
      return createSegmentOf(shopDomain(shop!), name!, {
        query,
        template: values.template as string | undefined,
        params: typeof values.param === "string" ? [values.param] : [],
        stayWhile: values["stay-while"] as string | undefined,
        leaveAfterDays: values["leave-after-days"] as string | undefined,
      });
    },
  },
  {
    name: "evaluate",
    arguments: ["<shop>"],
    description:
      "Evaluate every segment of the shop over every customer now (the daily run does it at the shop's midnight), " +
      "record who entered and left, and snapshot today's sizes.",
    options: {},
    needsConfiguration: true,
    async run({ positionals }) {
      const { evaluateSegmentsOf } = await import("./segments.js");
      return evaluateSegmentsOf(shopDomain(positionals[0]!));
    },
  },
  {
    name: "preview",
    arguments: ["<shop>", "<query>"],
    description:
      "What a query would hold now, without saving it: members, share of customers and revenue, AOV, a sample.",
    options: {},
    needsConfiguration: true,
    async run({ positionals }) {
      const { previewSegmentOf } = await import("./segments.js");
      return previewSegmentOf(shopDomain(positionals[0]!), positionals[1]!);
    },
  },
  {
    name: "members",
    arguments: ["<shop>", "<segment>"],
    description:
      "A segment's members (by name or id), newest first, and its latest entries and exits with their cause.",
    options: { limit: { type: "string", value: "n", description: "how many members and changes to list (20)" } },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const limit = Number(values.limit ?? "20");
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError(`members: --limit takes a positive number`, EXIT.usage);
      const { membersOf } = await import("./segments.js");
      return membersOf(shopDomain(positionals[0]!), positionals[1]!, limit);
    },
  },
  {
    name: "templates",
    arguments: [],
    description: "The segment templates, with their queries and parameters, and those not available yet.",
    options: {},
    needsConfiguration: false,
    async run() {
      const { formatTemplates } = await import("./segments-format.js");
      const { SEGMENT_TEMPLATES } = await import("../../app/domain/segments/segment-templates.js");
      console.log(formatTemplates(SEGMENT_TEMPLATES));
      return EXIT.ok;
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
    "Cohort's command line: sync and segments outside the web app.",
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
  const required = command.arguments.filter((argument) => !argument.startsWith("[")).length;
  if (parsed.positionals.length < required || parsed.positionals.length > command.arguments.length) {
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
