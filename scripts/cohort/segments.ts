import {
  createShopSegment,
  deleteShopSegment,
  editShopSegment,
  evaluateShopSegments,
  previewShopSegment,
  renameShopSegment,
  resetShopRfmGroups,
  segmentMembers,
  setShopRfmGroups,
  shopOverlaps,
  shopRfmGroups,
  shopSegments,
} from "../../app/background/segments.server.js";
import { disconnectDatabase, isShopKnown } from "../../app/background/shop-status.server.js";
import {
  fillSegmentTemplate,
  SEGMENT_TEMPLATES,
  segmentTemplate,
  SegmentTemplateError,
} from "../../app/domain/segments/segment-templates.js";
import { parseSegmentQuery } from "../../app/domain/segments/segment-parser.js";
import {
  InvalidSegmentError,
  SegmentNameTakenError,
  SegmentNotFoundError,
} from "../../app/services/segments/segment-catalog.js";
import { scoreRangeFromText } from "../../app/domain/segments/rfm-group-overrides.js";
import { InvalidRfmGroupsError, type ChangedRfmGroups } from "../../app/services/segments/rfm-group-settings.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";
import {
  formatOverlaps,
  formatPreview,
  formatQueryErrors,
  formatRfmGroups,
  formatSegmentList,
} from "./segments-format.js";

/** Runs a segment command for a shop Cohort knows, turning bad input into one clear message (nothing saved). */
async function forKnownShop(shop: string, work: () => Promise<void>, query?: string): Promise<number> {
  try {
    if (!(await isShopKnown(shop))) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    await work();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InvalidSegmentError && error.errors.length > 0 && query !== undefined) {
      throw new CliError(formatQueryErrors(query, error.errors), EXIT.invalidInput);
    }
    if (
      error instanceof SegmentNameTakenError ||
      error instanceof SegmentNotFoundError ||
      error instanceof InvalidRfmGroupsError ||
      error instanceof InvalidSegmentError ||
      error instanceof SegmentTemplateError
    ) {
      throw new CliError(error.message, EXIT.invalidInput);
    }
    throw error;
  } finally {
    await disconnectDatabase();
  }
}

export function listSegmentsOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => console.log(formatSegmentList(shop, await shopSegments(shop))));
}

export interface CreateOptions {
  query?: string;
  template?: string;
  /** `name=value` for a template's parameter. */
  params: string[];
  /** The buffer: a looser query members stay while it holds, and days outside before a member leaves. */
  stayWhile?: string;
  leaveAfterDays?: string;
}

/** The buffer options as the service takes them; a leave-after-days that is not a whole number is refused. */
export function bufferToCreate(options: CreateOptions): { stayWhile?: string; leaveAfterDays?: number } {
  const days = options.leaveAfterDays;
  if (days !== undefined && !/^\d+$/.test(days)) {
    throw new CliError(`--leave-after-days takes a whole number of days, not ${days}`, EXIT.invalidInput);
  }
  if (options.stayWhile !== undefined) {
    const parsed = parseSegmentQuery(options.stayWhile);
    if (!parsed.ok) throw new CliError(formatQueryErrors(options.stayWhile, parsed.errors), EXIT.invalidInput);
  }
  return {
    ...(options.stayWhile === undefined ? {} : { stayWhile: options.stayWhile }),
    ...(days === undefined ? {} : { leaveAfterDays: Number(days) }),
  };
}

/** The query a `segment create` names: its own text, or a template's filled with its parameters. */
export function queryToCreate(options: CreateOptions): string {
  if (options.template === undefined) {
    if (options.query === undefined) throw new CliError("segment create: give a query or --template <id>", EXIT.usage);
    return options.query;
  }
  if (options.query !== undefined) throw new CliError("segment create: a query or --template, not both", EXIT.usage);
  const template = segmentTemplate(options.template);
  if (!template) {
    const ids = SEGMENT_TEMPLATES.filter((candidate) => candidate.available).map((candidate) => candidate.id);
    throw new CliError(`unknown template ${options.template} (templates: ${ids.join(", ")})`, EXIT.invalidInput);
  }
  if (!template.available)
    throw new CliError(`${template.name} is not available yet: ${template.reason}`, EXIT.invalidInput);
  const values = Object.fromEntries(
    options.params.map((param) => {
      const [name, ...value] = param.split("=");
      return [name!, value.join("=")];
    }),
  );
  return fillSegmentTemplate(template, values);
}

export function createSegmentOf(shop: string, name: string, options: CreateOptions): Promise<number> {
  const query = queryToCreate(options);
  const buffer = bufferToCreate(options);
  return forKnownShop(
    shop,
    async () => {
      const { segment, changes } = await createShopSegment(shop, name, query, buffer);
      const held = [
        ...(buffer.stayWhile === undefined ? [] : [`stays while ${buffer.stayWhile}`]),
        ...(buffer.leaveAfterDays ? [`leaves after ${buffer.leaveAfterDays} days outside`] : []),
      ];
      console.log(
        `Created ${segment.name}: ${segment.query}${held.length === 0 ? "" : ` (${held.join("; ")})`}\n` +
          `  ${changes.entered.toLocaleString("en-US")} members`,
      );
    },
    query,
  );
}

export function evaluateSegmentsOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => {
    const started = Date.now();
    const result = await evaluateShopSegments(shop, "schedule");
    console.log(
      `Evaluated ${result.segments} segments of ${shop} in ${Date.now() - started} ms: ` +
        `${result.entered} entered, ${result.exited} left (snapshot of ${result.day})`,
    );
    console.log(formatSegmentList(shop, await shopSegments(shop)));
  });
}

export function previewSegmentOf(shop: string, query: string): Promise<number> {
  return forKnownShop(
    shop,
    async () => console.log(formatPreview(query, await previewShopSegment(shop, query))),
    query,
  );
}

export function membersOf(shop: string, segmentName: string, limit: number): Promise<number> {
  return forKnownShop(shop, async () => {
    const { segments } = await shopSegments(shop);
    const segment = segments.find((candidate) => candidate.name === segmentName || candidate.id === segmentName);
    if (!segment) {
      throw new CliError(
        `no segment ${segmentName} in ${shop} (segments: ${segments.map((s) => s.name).join(", ") || "none"})`,
        EXIT.invalidInput,
      );
    }
    const { members, history } = await segmentMembers(shop, segment.id, limit);
    console.log(`${segment.name}: ${segment.size.toLocaleString("en-US")} members — ${segment.query}`);
    for (const member of members) console.log(`  customer ${member.customerId}  since ${member.enteredAt}`);
    if (segment.size > members.length) console.log(`  … and ${segment.size - members.length} more (--limit)`);
    console.log("Latest changes:");
    for (const change of history) {
      console.log(
        `  ${change.at}  ${change.change === "enter" ? "entered" : "left   "}  customer ${change.customerId}  (${change.cause}${change.causeRef ? ` ${change.causeRef}` : ""})`,
      );
    }
  });
}

export function renameSegmentOf(shop: string, segment: string, newName: string): Promise<number> {
  return forKnownShop(shop, async () => {
    const renamed = await renameShopSegment(shop, segment, newName);
    console.log(`Renamed ${segment} to ${renamed.name}`);
  });
}

export function editSegmentOf(shop: string, segment: string, query: string): Promise<number> {
  return forKnownShop(
    shop,
    async () => {
      const { segment: edited, changes } = await editShopSegment(shop, segment, query);
      console.log(
        `Edited ${edited.name}: ${edited.query}\n  ${changes.entered.toLocaleString("en-US")} entered, ` +
          `${changes.exited.toLocaleString("en-US")} left (cause edit query-edited)`,
      );
    },
    query,
  );
}

export function deleteSegmentOf(shop: string, segment: string): Promise<number> {
  return forKnownShop(shop, async () => {
    const deleted = await deleteShopSegment(shop, segment);
    console.log(
      `Deleted ${deleted.segment.name}: ${deleted.exited.toLocaleString("en-US")} members left (cause edit deleted)`,
    );
  });
}

export function rfmGroupsOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => console.log(formatRfmGroups(shop, await shopRfmGroups(shop))));
}

export interface RfmSetOptions {
  /** A group's name, or a JSON object of groups and their rules. */
  group: string;
  /** A JSON rule or array of rules for the group. */
  rules?: string;
  recency?: string;
  fm?: string;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`segments rfm set: not JSON: ${(error as Error).message}`, EXIT.invalidInput);
  }
}

/** What `segments rfm set` asks for, by group name. */
export function rfmChangesOf(options: RfmSetOptions): Record<string, unknown> {
  const flags = options.recency !== undefined || options.fm !== undefined;
  if (options.group.trim().startsWith("{")) {
    if (options.rules !== undefined || flags)
      throw new CliError("segments rfm set: a JSON object of groups, or a group and its rules, not both", EXIT.usage);
    const groups = json(options.group);
    if (typeof groups !== "object" || groups === null || Array.isArray(groups))
      throw new CliError('segments rfm set: give {"GROUP": [rules], …}', EXIT.invalidInput);
    return groups as Record<string, unknown>;
  }
  if (options.rules !== undefined) {
    if (flags) throw new CliError("segments rfm set: rules as JSON or as --recency/--fm, not both", EXIT.usage);
    const rules = json(options.rules);
    return { [options.group]: Array.isArray(rules) ? rules : [rules] };
  }
  if (options.recency === undefined || options.fm === undefined)
    throw new CliError(
      "segments rfm set: give the group's rules as JSON, or --recency min-max --fm min-max",
      EXIT.usage,
    );
  const recency = scoreRangeFromText(options.recency);
  const frequencyMonetary = scoreRangeFromText(options.fm);
  if (recency === null || frequencyMonetary === null)
    throw new CliError("segments rfm set: --recency and --fm take a score or a range, e.g. 4-5", EXIT.usage);
  return { [options.group]: [{ recency, frequencyMonetary }] };
}

function printChanged(shop: string, changed: ChangedRfmGroups): void {
  console.log(formatRfmGroups(shop, changed));
  const { segments, entered, exited } = changed.reevaluated;
  console.log(
    `Re-evaluated ${segments} segment${segments === 1 ? "" : "s"} using rfm_group: ${entered} entered, ${exited} left ` +
      "(cause edit rfm-groups-changed)",
  );
}

export function setRfmGroupsOf(shop: string, options: RfmSetOptions): Promise<number> {
  const changes = rfmChangesOf(options);
  return forKnownShop(shop, async () => printChanged(shop, await setShopRfmGroups(shop, changes)));
}

export function resetRfmGroupsOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => printChanged(shop, await resetShopRfmGroups(shop)));
}

export function overlapOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => console.log(formatOverlaps(shop, await shopOverlaps(shop))));
}
