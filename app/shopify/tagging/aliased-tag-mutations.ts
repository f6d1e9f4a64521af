/**
 * Builds one Admin GraphQL request that applies several tag writes at once: `t0: tagsAdd(id: $id0, tags: $tags0)`,
 * `t1: tagsRemove(id: $id1, tags: $tags1)`, … Shopify meters each aliased mutation (10 points as the local
 * Shopify meters it), so one request of n aliases costs about n times one, but it is one round trip and one
 * observation of the bucket instead of n. Values travel only as variables, never spliced into the document.
 */
import type { TagOperation } from "../../services/tagging/ports.js";

export interface TagWrite {
  operation: TagOperation;
  customerGid: string;
  tags: readonly string[];
}

export interface AliasedTagRequest {
  document: string;
  variables: Record<string, string | string[]>;
  /** `t<i>` → the index of its write in the input. */
  aliases: string[];
}

/** The alias of the write at `index` (also how answers are mapped back). */
export const aliasOf = (index: number): string => `t${index}`;

export function buildAliasedTagMutation(writes: readonly TagWrite[]): AliasedTagRequest {
  if (writes.length === 0) throw new Error("buildAliasedTagMutation: no writes");
  const definitions: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, string | string[]> = {};
  const aliases: string[] = [];
  writes.forEach((write, index) => {
    const alias = aliasOf(index);
    definitions.push(`$id${index}: ID!`, `$tags${index}: [String!]!`);
    fields.push(
      `  ${alias}: ${write.operation}(id: $id${index}, tags: $tags${index}) {\n    userErrors {\n      field\n      message\n    }\n  }`,
    );
    variables[`id${index}`] = write.customerGid;
    variables[`tags${index}`] = [...write.tags];
    aliases.push(alias);
  });
  const document = `mutation CohortTagWrites(${definitions.join(", ")}) {\n${fields.join("\n")}\n}`;
  return { document, variables, aliases };
}

/** Index of the write an error path (`["t3", …]`) belongs to, or null. */
export function writeIndexOfPath(path: unknown): number | null {
  if (!Array.isArray(path) || typeof path[0] !== "string") return null;
  const match = /^t(\d+)$/.exec(path[0]);
  return match ? Number(match[1]) : null;
}

/**
 * How many writes one request may carry: as many as `budget` points allow at `costPerWrite` each, at least one,
 * at most `maxWrites`. The budget is the smaller of Shopify's single-query limit (1000) and half the bucket, so a
 * request never waits for more than half a full bucket and leaves room for other callers of the same shop.
 */
export function writesPerRequest(options: {
  costPerWrite: number;
  maximumAvailable: number | null;
  maxWrites: number;
  maxQueryCost?: number;
}): number {
  const maxQueryCost = options.maxQueryCost ?? 1000;
  const budget = Math.min(
    maxQueryCost,
    options.maximumAvailable === null ? maxQueryCost : options.maximumAvailable / 2,
  );
  const fit = Math.floor(budget / Math.max(1, options.costPerWrite));
  return Math.max(1, Math.min(options.maxWrites, fit));
}
