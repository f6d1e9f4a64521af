/**
 * What a merchant should know about the shop's segments: one that is empty, one too small to act on, two that
 * hold nearly the same customers, and more segments than a shop can act on.
 */
import { jaccardReaches, type SegmentOverlap } from "./segment-overlap.js";

/** Tiny: fewer than this many members and … */
export const TINY_MEMBERS = 100;
/** … fewer than this share of the shop's customers (1%). */
export const TINY_SHARE = { numerator: 1, denominator: 100 } as const;
/** Nearly a duplicate: a Jaccard index (shared / union) of at least 0.9. */
export const NEAR_DUPLICATE = { numerator: 9, denominator: 10 } as const;
/** More segments than a shop can act on. */
export const MAX_ACTIONABLE_SEGMENTS = 20;

export type SegmentWarning =
  | { code: "EMPTY"; message: string }
  | { code: "TINY"; members: number; population: number; message: string }
  | { code: "NEAR_DUPLICATE"; of: string; ofName: string; jaccard: number; message: string };

export type ShopSegmentWarning = { code: "TOO_MANY_SEGMENTS"; count: number; limit: number; message: string };

export interface SegmentWarningsInput {
  segments: ReadonlyArray<{ id: string; name: string; size: number }>;
  /** The shop's customers (with metrics). */
  population: number;
  /** Overlaps of at least every pair that could be alike (segment-overlap.ts possiblyAlike); others are ignored. */
  overlaps: readonly SegmentOverlap[];
}

export interface SegmentWarnings {
  bySegment: Map<string, SegmentWarning[]>;
  shop: ShopSegmentWarning[];
}

const percent = (part: number, whole: number) => (whole === 0 ? "0" : ((100 * part) / whole).toFixed(2));

export function segmentWarnings(input: SegmentWarningsInput): SegmentWarnings {
  const bySegment = new Map<string, SegmentWarning[]>(input.segments.map((segment) => [segment.id, []]));
  const nameOf = new Map(input.segments.map((segment) => [segment.id, segment.name]));
  for (const segment of input.segments) {
    const warnings = bySegment.get(segment.id)!;
    if (segment.size === 0) {
      warnings.push({ code: "EMPTY", message: "empty: no customer matches it" });
    } else if (
      segment.size < TINY_MEMBERS &&
      segment.size * TINY_SHARE.denominator < TINY_SHARE.numerator * input.population
    ) {
      warnings.push({
        code: "TINY",
        members: segment.size,
        population: input.population,
        message: `tiny: ${segment.size} members, ${percent(segment.size, input.population)}% of ${input.population} customers`,
      });
    }
  }
  for (const overlap of input.overlaps) {
    if (!bySegment.has(overlap.first) || !bySegment.has(overlap.second)) continue;
    if (!jaccardReaches(overlap, NEAR_DUPLICATE)) continue;
    const jaccard = overlap.jaccard ?? 0;
    for (const [one, other] of [
      [overlap.first, overlap.second],
      [overlap.second, overlap.first],
    ] as const) {
      const ofName = nameOf.get(other)!;
      bySegment.get(one)!.push({
        code: "NEAR_DUPLICATE",
        of: other,
        ofName,
        jaccard,
        message:
          `nearly a duplicate of ${ofName}: Jaccard ${jaccard.toFixed(3)} ` +
          `(${overlap.shared} of ${overlap.firstSize + overlap.secondSize - overlap.shared} members in both)`,
      });
    }
  }
  const shop: ShopSegmentWarning[] = [];
  if (input.segments.length > MAX_ACTIONABLE_SEGMENTS) {
    shop.push({
      code: "TOO_MANY_SEGMENTS",
      count: input.segments.length,
      limit: MAX_ACTIONABLE_SEGMENTS,
      message: `${input.segments.length} segments: more than the ${MAX_ACTIONABLE_SEGMENTS} a shop can act on; merge or delete some`,
    });
  }
  return { bySegment, shop };
}
