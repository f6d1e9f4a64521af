/**
 * Splitting a large shop's orders export into id ranges, so the backfill can apply one range while Shopify still
 * exports the next ones (from API 2026-01 Shopify runs up to five bulk query operations per shop at once).
 *
 * Why id ranges: order ids only grow, and grow with time, so a range is a stable slice of the shop's history.
 * Orders created while the backfill runs get higher ids and land in the last range, which has no upper bound (and
 * the first none below), so the ranges together cover every order however the shop changes; no order is in two
 * ranges. Equal-width ranges over [lowest id, highest id] need not hold equal numbers of orders (a shop's rate of
 * orders changes over the years): a fuller range only takes longer, the result is the same. A cursor or date split
 * would need more reads up front and would not be exact (orders share timestamps; ids never repeat).
 *
 * Pure: the backfill (`backfill.ts`) asks Shopify for the count and the bounds and keeps the state in SyncState.
 */

export interface PartitioningOptions {
  /** Orders at or above which the export is split. */
  threshold: number;
  /** Orders per range aimed at. */
  targetSize: number;
  /** Most ranges. */
  maxPartitions: number;
}

export const DEFAULT_PARTITIONING: PartitioningOptions = {
  threshold: 100_000,
  targetSize: 125_000,
  maxPartitions: 16,
};

/** A range of numeric order ids (decimal strings: `from` inclusive, `to` exclusive; null is unbounded). */
export interface IdRange {
  from: string | null;
  to: string | null;
}

/** One range as SyncState keeps it. */
export interface PartitionState extends IdRange {
  /** The range's bulk operation (running, completed, or to be checked again after a restart). */
  operationId: string | null;
  /** That operation's `createdAt`: the watermark is the earliest of them. */
  createdAt: string | null;
  /** Lines of its result file (known once it completed). */
  objectCount: number;
  /** Records applied from it (final once `ingested`). */
  processedCount: number;
  /** Every line of its result has been applied. */
  ingested: boolean;
}

/** SyncState's `partitions` column (JSON): the plan of one orders backfill and how far it got. */
export interface PartitionsState {
  version: 1;
  /** The export's search without the id terms; a plan is resumed only while it is the same. */
  search: string;
  parts: PartitionState[];
}

/** The numeric part of an order id (`gid://shopify/Order/123` → `123`), as the bulk reader parses it. */
export { numericId } from "./bulk-jsonl.js";

/**
 * The ranges for `count` orders whose ids lie in [lowest, highest]: null when the shop is under the threshold or
 * the split would give one range. Otherwise ceil(count / targetSize) ranges (at most maxPartitions, at most one
 * per id), of equal width.
 */
export function planIdRanges(
  count: number,
  lowest: string,
  highest: string,
  options: PartitioningOptions = DEFAULT_PARTITIONING,
): IdRange[] | null {
  if (!(count >= options.threshold) || count <= 0) return null;
  const low = BigInt(lowest);
  const high = BigInt(highest);
  if (high < low) return null;
  const width = high - low + 1n;
  let parts = Math.min(
    Math.max(1, Math.floor(options.maxPartitions)),
    Math.ceil(count / Math.max(1, options.targetSize)),
  );
  if (BigInt(parts) > width) parts = Number(width);
  if (parts < 2) return null;
  const bounds: (string | null)[] = [null];
  for (let index = 1; index < parts; index++) bounds.push(String(low + (width * BigInt(index)) / BigInt(parts)));
  bounds.push(null);
  return bounds.slice(0, -1).map((from, index) => ({ from, to: bounds[index + 1]! }));
}

/** The export search for one range: the base search (may be empty) and its id terms, ANDed. */
export function rangeSearch(search: string, range: IdRange): string {
  return [search.trim(), range.from === null ? "" : `id:>=${range.from}`, range.to === null ? "" : `id:<${range.to}`]
    .filter((term) => term !== "")
    .join(" AND ");
}

export function newPartitionsState(search: string, ranges: IdRange[]): PartitionsState {
  return {
    version: 1,
    search,
    parts: ranges.map((range) => ({
      from: range.from,
      to: range.to,
      operationId: null,
      createdAt: null,
      objectCount: 0,
      processedCount: 0,
      ingested: false,
    })),
  };
}

const isIdOrNull = (value: unknown): value is string | null =>
  value === null || (typeof value === "string" && /^\d+$/.test(value));
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/** The stored state, or null when there is none or it is not one this code wrote (then the backfill starts anew). */
export function parsePartitionsState(text: string | null | undefined): PartitionsState | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const candidate = value as Partial<PartitionsState>;
  if (candidate.version !== 1 || typeof candidate.search !== "string" || !Array.isArray(candidate.parts)) return null;
  if (candidate.parts.length < 1) return null;
  const valid = candidate.parts.every((part: Partial<PartitionState>) => {
    return (
      typeof part === "object" &&
      part !== null &&
      isIdOrNull(part.from) &&
      isIdOrNull(part.to) &&
      (part.operationId === null || typeof part.operationId === "string") &&
      (part.createdAt === null || typeof part.createdAt === "string") &&
      isCount(part.objectCount) &&
      isCount(part.processedCount) &&
      typeof part.ingested === "boolean"
    );
  });
  return valid ? (candidate as PartitionsState) : null;
}

/** How many ranges of a stored plan are applied (for status lines), or null for a backfill without ranges. */
export function partitionsProgress(text: string | null | undefined): { ingested: number; total: number } | null {
  const state = parsePartitionsState(text);
  return state ? { ingested: state.parts.filter((part) => part.ingested).length, total: state.parts.length } : null;
}
