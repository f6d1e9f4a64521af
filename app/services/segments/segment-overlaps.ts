import { segmentOverlaps, type SegmentOverlap } from "../../domain/segments/segment-overlap.js";
import type { SegmentOverlapReader, SegmentRecord, SegmentRepository } from "./ports.js";

export interface SegmentOverlapDeps {
  segments: SegmentRepository;
  overlap: SegmentOverlapReader;
}

export interface ShopOverlaps {
  segments: Array<Pick<SegmentRecord, "id" | "name"> & { size: number }>;
  /** Every pair of the shop's segments, with shared members, sizes and Jaccard index. */
  pairs: SegmentOverlap[];
}

/** The overlap of every pair of the shop's segments (one statement in the database for all the pairs). */
export async function shopSegmentOverlaps(deps: SegmentOverlapDeps, shop: string): Promise<ShopOverlaps> {
  const [records, sizes] = await Promise.all([deps.segments.list(shop), deps.segments.sizes(shop)]);
  const segments = records.map((segment) => ({ id: segment.id, name: segment.name, size: sizes.get(segment.id) ?? 0 }));
  // Only the listed segments: a member row a concurrent delete left behind belongs to no pair.
  const pairs = await deps.overlap.overlaps(
    shop,
    segments.map((segment) => segment.id),
  );
  return { segments, pairs: segmentOverlaps(segments, pairs) };
}
