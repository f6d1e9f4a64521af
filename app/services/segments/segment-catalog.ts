import {
  MAX_LEAVE_AFTER_DAYS,
  parseSegmentBuffer,
  serializeSegmentBuffer,
  type SegmentBuffer,
} from "../../domain/segments/segment-buffer.js";
import { parseSegmentQuery } from "../../domain/segments/segment-parser.js";
import type { SegmentQueryError } from "../../domain/segments/segment-query-error.js";
import { checkSegmentTree } from "../../domain/segments/segment-tree-check.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import { possiblyAlike, segmentOverlaps } from "../../domain/segments/segment-overlap.js";
import {
  NEAR_DUPLICATE,
  segmentWarnings,
  type SegmentWarning,
  type ShopSegmentWarning,
} from "../../domain/segments/segment-warnings.js";
import type { NewSegment, SegmentOverlapReader, SegmentRecord, SegmentRepository } from "./ports.js";

/** The shop already has a segment of this name; nothing was saved. */
export class SegmentNameTakenError extends Error {
  constructor(readonly segmentName: string) {
    super(`A segment named "${segmentName}" already exists`);
    this.name = "SegmentNameTakenError";
  }
}

/** The shop has no segment of this name or id; nothing was changed. */
export class SegmentNotFoundError extends Error {
  constructor(
    readonly segment: string,
    readonly known: readonly string[] = [],
  ) {
    super(`No segment "${segment}" in this shop (segments: ${known.length > 0 ? known.join(", ") : "none"})`);
    this.name = "SegmentNotFoundError";
  }
}

/**
 * The segment cannot be saved as given (an empty name, a query that does not parse, a tree the catalog refuses);
 * nothing was saved. `errors` are the language's, with positions, when the query or tree was at fault.
 */
export class InvalidSegmentError extends Error {
  constructor(
    message: string,
    readonly errors: readonly SegmentQueryError[] = [],
  ) {
    super(message);
    this.name = "InvalidSegmentError";
  }
}

export interface SegmentCatalogDeps {
  segments: SegmentRepository;
}

export interface ListedSegment extends SegmentRecord {
  size: number;
  warnings: SegmentWarning[];
}

export interface SegmentListing {
  segments: ListedSegment[];
  shopWarnings: ShopSegmentWarning[];
}

export interface SegmentListingDeps extends SegmentCatalogDeps {
  overlap: SegmentOverlapReader;
}

export async function createSegment(
  deps: SegmentCatalogDeps,
  shop: string,
  segment: NewSegment,
  now: Date,
): Promise<SegmentRecord> {
  const name = segment.name.trim();
  if (name === "") throw new InvalidSegmentError("A segment needs a name");
  // The same checks as typed text gets: a tree from a builder or an API is held to the catalog too.
  const checked = checkSegmentTree(segment.tree);
  if (!checked.ok) {
    throw new InvalidSegmentError(`Not a valid segment: ${checked.errors[0]?.message ?? "invalid"}`, checked.errors);
  }
  const buffer = checkedBuffer(segment.buffer ?? null);
  const created = await deps.segments.create(shop, { ...segment, name, tree: checked.tree, buffer }, now);
  if (created === null) throw new SegmentNameTakenError(name);
  return created;
}

/** The stored buffer, checked as a tree is (its stay rule held to the catalog); null without one. */
function checkedBuffer(stored: string | null): string | null {
  let buffer: SegmentBuffer | null;
  try {
    buffer = parseSegmentBuffer(stored);
  } catch {
    throw new InvalidSegmentError("Not a valid buffer: give a stay-while query and/or whole leave-after-days");
  }
  if (buffer?.stayWhile === undefined) return serializeSegmentBuffer(buffer);
  const checked = checkSegmentTree(buffer.stayWhile.tree);
  if (!checked.ok) {
    throw new InvalidSegmentError(
      `Not a valid stay-while rule: ${checked.errors[0]?.message ?? "invalid"}`,
      checked.errors,
    );
  }
  return serializeSegmentBuffer({ ...buffer, stayWhile: { query: buffer.stayWhile.query, tree: checked.tree } });
}

/**
 * A buffer from what the merchant typed: a looser query members stay in the segment while it holds, and/or the
 * days a member stays outside before it leaves (segment-buffer.ts). Null when neither is given.
 */
export function segmentBufferOf(options: { stayWhile?: string; leaveAfterDays?: number }): string | null {
  const { stayWhile, leaveAfterDays } = options;
  if (
    leaveAfterDays !== undefined &&
    (!Number.isInteger(leaveAfterDays) || leaveAfterDays < 0 || leaveAfterDays > MAX_LEAVE_AFTER_DAYS)
  ) {
    throw new InvalidSegmentError(`leave-after-days must be a whole number of days from 0 to ${MAX_LEAVE_AFTER_DAYS}`);
  }
  return serializeSegmentBuffer({
    ...(stayWhile === undefined ? {} : { stayWhile: { query: stayWhile, tree: segmentTreeOf(stayWhile) } }),
    ...(leaveAfterDays === undefined ? {} : { leaveAfterDays }),
  });
}

/** A segment from its query as the merchant typed it (Shopify's syntax); the query is kept as written. */
export async function createSegmentFromQuery(
  deps: SegmentCatalogDeps,
  shop: string,
  segment: { name: string; query: string; buffer?: string | null },
  now: Date,
): Promise<SegmentRecord> {
  return createSegment(deps, shop, { ...segment, tree: segmentTreeOf(segment.query) }, now);
}

/** The query's tree, or the errors in it, with positions and hints (the same for the admin and the command line). */
export function segmentTreeOf(query: string): SegmentTree {
  const parsed = parseSegmentQuery(query);
  if (!parsed.ok) {
    throw new InvalidSegmentError(`The query does not parse: ${parsed.errors[0]?.message ?? "invalid"}`, parsed.errors);
  }
  return parsed.tree;
}

/**
 * The shop's segments by name, each with its current number of members and its warnings (empty, tiny, nearly a
 * duplicate of another), and the shop's (more segments than it can act on). Kept cheap: sizes are one grouped count,
 * and the overlap is computed only for the pairs whose sizes allow a Jaccard index of 0.9 (it is at most
 * min / max size), over those segments only — usually none, and always fresh.
 */
export async function listSegments(deps: SegmentListingDeps, shop: string): Promise<SegmentListing> {
  const [records, sizes, population] = await Promise.all([
    deps.segments.list(shop),
    deps.segments.sizes(shop),
    deps.overlap.population(shop),
  ]);
  const sized = records.map((segment) => ({ ...segment, size: sizes.get(segment.id) ?? 0 }));
  const candidates = possiblyAlike(sized, NEAR_DUPLICATE);
  const involved = [...new Set(candidates.flatMap((pair) => [pair.first, pair.second]))];
  const pairs = involved.length === 0 ? [] : await deps.overlap.overlaps(shop, involved);
  const overlaps = segmentOverlaps(
    sized.filter((segment) => involved.includes(segment.id)),
    pairs,
  );
  const warnings = segmentWarnings({ segments: sized, population, overlaps });
  return {
    segments: sized.map((segment) => ({ ...segment, warnings: warnings.bySegment.get(segment.id) ?? [] })),
    shopWarnings: warnings.shop,
  };
}
