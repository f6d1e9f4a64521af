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
    arguments: ["[overlap|rfm]", "[set|reset]", "<shop>", "[group]", "[rules]"],
    description:
      "segments <shop>: the shop's segments, each with its number of members, its query and its warnings (empty, " +
      "tiny, nearly a duplicate of another; too many segments). segments overlap <shop>: members shared by each " +
      "pair of segments. segments rfm <shop>: the RFM groups' score ranges. segments rfm set <shop> <group> " +
      "'<rules json>' (or --recency 4-5 --fm 9-10): the group gets exactly these ranges; '<json>' alone sets " +
      'several groups at once ({"CHAMPIONS": [...], "LOYAL": [...]}); the groups must still cover every score ' +
      "once. segments rfm reset <shop>: the defaults. A change re-evaluates the segments that use rfm_group.",
    options: {
      recency: { type: "string", value: "min-max", description: "rfm set: the group's recency scores (1-5)" },
      fm: { type: "string", value: "min-max", description: "rfm set: its frequency+monetary scores (2-10)" },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const segments = await import("./segments.js");
      const [first, second, third, fourth] = positionals;
      const usage = () =>
        new CliError(
          "usage: npm run cohort -- segments <shop> | segments overlap <shop> | segments rfm <shop> | " +
            `segments rfm set <shop> <group> '<rules>' | segments rfm reset <shop> — ${SEE_HELP}`,
          EXIT.usage,
        );
      if (positionals.length === 1) return segments.listSegmentsOf(shopDomain(first!));
      if (first === "overlap") {
        if (positionals.length !== 2) throw usage();
        return segments.overlapOf(shopDomain(second!));
      }
      if (first !== "rfm") throw usage();
      if (positionals.length === 2) return segments.rfmGroupsOf(shopDomain(second!));
      if (second === "reset" && positionals.length === 3) return segments.resetRfmGroupsOf(shopDomain(third!));
      if (second === "set" && positionals.length >= 4) {
        return segments.setRfmGroupsOf(shopDomain(third!), {
          group: fourth!,
          rules: positionals[4],
          recency: values.recency as string | undefined,
          fm: values.fm as string | undefined,
        });
      }
      throw usage();
    },
  },
  {
    name: "segment",
    arguments: ["<create|rename|edit|delete>", "<shop>", "<segment>", "[query or new name]"],
    description:
      "create <shop> <name> '<query>': save a segment from a query in Shopify's segment syntax (e.g. " +
      "'number_of_orders >= 3 AND last_order_date < -90d') or from a template (--template), and give it its " +
      "members at once. rename <shop> <segment> <new name>. edit <shop> <segment> '<query>': a new query, " +
      "re-evaluated at once (changes recorded with cause edit, query-edited). delete <shop> <segment>: every member " +
      "leaves (cause edit, deleted), then the segment goes. A query with errors is refused with each error's " +
      "position and a hint; nothing is saved. <segment> is a name or an id.",
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
      const [action, shop, name, fourth] = positionals;
      const usage = (shape: string) =>
        new CliError(`usage: npm run cohort -- segment ${shape} — ${SEE_HELP}`, EXIT.usage);
      const segments = await import("./segments.js");
      switch (action) {
        case "create":
          return segments.createSegmentOf(shopDomain(shop!), name!, {
            query: fourth,
            template: values.template as string | undefined,
            params: typeof values.param === "string" ? [values.param] : [],
            stayWhile: values["stay-while"] as string | undefined,
            leaveAfterDays: values["leave-after-days"] as string | undefined,
          });
        case "rename":
          if (fourth === undefined) throw usage("rename <shop> <segment> <new name>");
          return segments.renameSegmentOf(shopDomain(shop!), name!, fourth);
        case "edit":
          if (fourth === undefined) throw usage("edit <shop> <segment> '<query>'");
          return segments.editSegmentOf(shopDomain(shop!), name!, fourth);
        case "delete":
          if (fourth !== undefined) throw usage("delete <shop> <segment>");
          return segments.deleteSegmentOf(shopDomain(shop!), name!);
        default:
          throw new CliError(
            `segment: the action is create, rename, edit or delete, not ${action} — ${SEE_HELP}`,
            EXIT.usage,
          );
      }
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
    name: "tagging",
    arguments: ["<shop>", "[segment]"],
    description:
      "The shop's segment tags; with a segment and options, set its tag (default cohort:<name>) and whether Cohort " +
      "writes it: on, off (Cohort's tags removed) or paused (left as they are). A tag Shopify would refuse, or one " +
      "another segment writes, is refused; nothing saved.",
    options: {
      tag: {
        type: "string",
        value: "tag",
        description: "the tag to write (trimmed; no commas; at most 255 characters)",
      },
      state: {
        type: "string",
        value: "on|off|paused",
        choices: ["on", "off", "paused"],
        description: "write the tag or not",
      },
      repair: {
        type: "string",
        value: "on|off",
        choices: ["on", "off"],
        description: "put the tag back when someone else removes it (on by default)",
      },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const { configureTaggingOf } = await import("./tags.js");
      const change = {
        ...(typeof values.tag === "string" ? { tag: values.tag } : {}),
        ...(typeof values.state === "string" ? { state: values.state as "on" | "off" | "paused" } : {}),
        ...(typeof values.repair === "string" ? { repair: values.repair === "on" } : {}),
      };
      if (positionals[1] === undefined && Object.keys(change).length > 0)
        throw new CliError("tagging: name the segment the options are for", EXIT.usage);
      return configureTaggingOf(shopDomain(positionals[0]!), positionals[1], change);
    },
  },
  {
    name: "discounts",
    arguments: ["[create]", "<shop>", "[segment]"],
    description:
      "discounts <shop> [segment]: the discounts made from segments, with their status, the synced orders that " +
      "used their codes and those orders' revenue. discounts create <shop> <segment> (--percent 15 | --amount 10 | " +
      "--free-shipping) [--code VIP15]: a discount limited to the segment's Shopify segment (its tag), made in one " +
      "step; without --code it applies automatically. With --function it is a tag discount instead: Cohort's discount " +
      "Function gives it to buyers carrying the segment's tag, with no Shopify segment and no code (the Function must " +
      "be deployed). Nothing is left half-made when Shopify refuses it.",
    options: {
      percent: { type: "string", value: "1-100", description: "create: percentage off" },
      amount: { type: "string", value: "amount", description: "create: fixed amount off, shop currency" },
      "free-shipping": { type: "boolean", description: "create: free shipping" },
      code: { type: "string", value: "code", description: "create: the code buyers enter (else automatic)" },
      function: {
        type: "boolean",
        description: "create: a tag discount, given by Cohort's discount Function to buyers with the segment's tag",
      },
      title: { type: "string", value: "title", description: "create: the discount's title in Shopify" },
      starts: { type: "string", value: "date", description: "create: start (ISO date or time; default now)" },
      ends: { type: "string", value: "date", description: "create: end (ISO date or time)" },
      "min-subtotal": { type: "string", value: "amount", description: "create: minimum order subtotal" },
      "usage-limit": { type: "string", value: "n", description: "create: total uses allowed (code discounts)" },
      "once-per-customer": { type: "boolean", description: "create: one use per customer (code discounts)" },
      "combines-with": {
        type: "string",
        value: "order,product,shipping",
        description: "create: discount classes it combines with",
      },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const discounts = await import("./discounts.js");
      if (positionals[0] !== "create") {
        if (positionals.length > 2) throw new CliError(`discounts: too many arguments — ${SEE_HELP}`, EXIT.usage);
        return discounts.listDiscountsOf(shopDomain(positionals[0]!), positionals[1]);
      }
      if (positionals.length !== 3)
        throw new CliError(
          `usage: npm run cohort -- discounts create <shop> <segment> --percent 15 — ${SEE_HELP}`,
          EXIT.usage,
        );
      const kinds = [values.percent, values.amount, values["free-shipping"]].filter((v) => v !== undefined);
      if (kinds.length !== 1)
        throw new CliError("discounts create: give one of --percent, --amount or --free-shipping", EXIT.usage);
      const combines = String(values["combines-with"] ?? "").split(",");
      const form = {
        method: values.function === true ? "function" : values.code === undefined ? "automatic" : "code",
        kind: values.percent !== undefined ? "percentage" : values.amount !== undefined ? "fixed" : "free_shipping",
        value: values.percent ?? values.amount,
        code: values.code,
        title: values.title,
        startsAt: values.starts,
        endsAt: values.ends,
        minimumSubtotal: values["min-subtotal"],
        usageLimit: values["usage-limit"],
        appliesOncePerCustomer: values["once-per-customer"] === true,
        combinesWithOrderDiscounts: combines.includes("order"),
        combinesWithProductDiscounts: combines.includes("product"),
        combinesWithShippingDiscounts: combines.includes("shipping"),
      };
      return discounts.createDiscountOf(shopDomain(positionals[1]!), positionals[2]!, form);
    },
  },
  {
    name: "push-tags",
    arguments: ["<shop>"],
    description:
      "Write the tags waiting in the outbox to Shopify now (the worker does it within seconds of each change). " +
      "With --dry-run, nothing is written: the adds and removes each tagged segment (or --segment) would make.",
    options: {
      segment: { type: "string", value: "segment", description: "only this segment (name or id), with --dry-run" },
      "dry-run": { type: "boolean", description: "show what would change, write nothing" },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const shop = shopDomain(positionals[0]!);
      const segment = values.segment as string | undefined;
      if (values["dry-run"] === true) {
        const { dryRunOf } = await import("./tags.js");
        return dryRunOf(shop, segment);
      }
      if (segment !== undefined) throw new CliError("push-tags: --segment goes with --dry-run", EXIT.usage);
      const { pushTagsOf } = await import("./tags-push.js");
      return pushTagsOf(shop);
    },
  },
  {
    name: "why",
    arguments: ["<shop>", "[customer]"],
    description:
      "Why a customer carries (or lost) each Cohort tag: every tag change with its segment, the rule at the time, " +
      "its cause (webhook event, schedule, edit, manual run) and Shopify's answer. --segment lists a segment's instead.",
    options: {
      segment: { type: "string", value: "segment", description: "list this segment's tag changes instead" },
      limit: { type: "string", value: "n", description: "how many changes (20)" },
    },
    needsConfiguration: true,
    async run({ positionals, values }) {
      const limit = Number(values.limit ?? "20");
      if (!Number.isInteger(limit) || limit < 1) throw new CliError("why: --limit takes a positive number", EXIT.usage);
      const { whyOf, segmentTagHistoryOf } = await import("./tags.js");
      const shop = shopDomain(positionals[0]!);
      if (typeof values.segment === "string") return segmentTagHistoryOf(shop, values.segment, limit);
      if (positionals[1] === undefined) throw new CliError("why: name a customer, or --segment <segment>", EXIT.usage);
      return whyOf(shop, positionals[1], limit);
    },
  },
  {
    name: "untag-all",
    arguments: ["<shop>"],
    description:
      "Before uninstalling: switch tagging off for every segment and remove every tag Cohort added from the " +
      "store's customers (merchants' own tags stay). The worker pushes the removals; push-tags does it now.",
    options: {},
    needsConfiguration: true,
    async run({ positionals }) {
      const { untagAllOf } = await import("./tags.js");
      return untagAllOf(shopDomain(positionals[0]!));
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
