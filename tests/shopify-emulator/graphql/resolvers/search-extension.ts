/**
 * Shopify reports search queries it could not fully apply under `extensions.search` (captured, e.g.
 * customersCount(query: "email:…")): one entry per connection field, with the query, its parsed form and the
 * warnings. The resolvers collect the warnings in `searchWarnings`; the engine turns them into this extension.
 */
import type { ResolverContext } from "../schema.js";
import { parseSearchQuery, type SearchNode, type SearchWarning } from "../search-query.js";
import { searchWarnings } from "./objects.js";

export interface SearchExtensionEntry {
  path: (string | number)[];
  query: string;
  parsed: unknown;
  warnings: SearchWarning[];
}

const RANGE_KEYS = { ">": "range_gt", ">=": "range_gte", "<": "range_lt", "<=": "range_lte" } as const;

/**
 * Shopify's `parsed` form. Captured: a single `field:value` term is `{field, match_all: value}`. Unconfirmed
 * (no capture yet): bare terms as field `default`, ranges as `range_gt`/`range_gte`/`range_lt`/`range_lte`,
 * and connectives as `{and: [...]}`, `{or: [...]}`, `{not: ...}`.
 */
export function parsedSearch(node: SearchNode | null): unknown {
  if (node === null) return null;
  switch (node.kind) {
    case "term": {
      const field = node.field ?? "default";
      if (node.comparator === ":") return { field, match_all: node.value };
      return { field, [RANGE_KEYS[node.comparator]]: node.value };
    }
    case "not":
      return { not: parsedSearch(node.child) };
    case "and":
      return { and: node.children.map(parsedSearch) };
    case "or":
      return { or: node.children.map(parsedSearch) };
  }
}

/** The `extensions.search` entries of one request, or null when no query raised a warning. */
export function searchExtension(ctx: ResolverContext): SearchExtensionEntry[] | null {
  const entries = searchWarnings.get(ctx);
  if (!entries?.length) return null;
  return entries.map((entry) => {
    let parsed: unknown = null;
    try {
      parsed = parsedSearch(parseSearchQuery(entry.query));
    } catch {
      parsed = null;
    }
    return { path: entry.path, query: entry.query, parsed, warnings: entry.warnings };
  });
}
