/**
 * Overlap between segments: how many members each pair shares, and how alike they are (Jaccard: shared / union).
 * The database computes the pairs in one statement (app/db/segments/segment-overlap.server.ts); this is the plain
 * reference it is tested against, and the arithmetic on top.
 */

/** Members shared by two segments; `first` < `second` (by id, as strings compare in JavaScript). */
export interface SegmentPairOverlap {
  first: string;
  second: string;
  shared: number;
}

export interface SegmentOverlap extends SegmentPairOverlap {
  firstSize: number;
  secondSize: number;
  /** shared / (firstSize + secondSize − shared); null when both are empty. */
  jaccard: number | null;
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function byPair(a: SegmentPairOverlap, b: SegmentPairOverlap): number {
  return compareIds(a.first, b.first) || compareIds(a.second, b.second);
}

/** The pair in canonical order. */
export function pairOf(a: string, b: string): { first: string; second: string } {
  return compareIds(a, b) <= 0 ? { first: a, second: b } : { first: b, second: a };
}

/** Reference: every pair of segments sharing at least one member, from each segment's member ids, by pair. */
export function overlapsOf(members: ReadonlyMap<string, Iterable<string>>): SegmentPairOverlap[] {
  const segmentsOf = new Map<string, string[]>();
  for (const [segmentId, customers] of members) {
    for (const customer of new Set(customers)) {
      const list = segmentsOf.get(customer) ?? [];
      list.push(segmentId);
      segmentsOf.set(customer, list);
    }
  }
  const shared = new Map<string, SegmentPairOverlap>();
  for (const segments of segmentsOf.values()) {
    for (let i = 0; i < segments.length; i += 1) {
      for (let j = i + 1; j < segments.length; j += 1) {
        const pair = pairOf(segments[i]!, segments[j]!);
        const key = JSON.stringify([pair.first, pair.second]);
        const entry = shared.get(key) ?? { ...pair, shared: 0 };
        entry.shared += 1;
        shared.set(key, entry);
      }
    }
  }
  return [...shared.values()].sort(byPair);
}

/** Every pair of `segments` (also those sharing nobody), with sizes and Jaccard index, by pair. */
export function segmentOverlaps(
  segments: ReadonlyArray<{ id: string; size: number }>,
  pairs: readonly SegmentPairOverlap[],
): SegmentOverlap[] {
  const sharedBy = new Map(pairs.map((pair) => [JSON.stringify([pair.first, pair.second]), pair.shared]));
  const sizeOf = new Map(segments.map((segment) => [segment.id, segment.size]));
  const ids = [...sizeOf.keys()].sort(compareIds);
  const out: SegmentOverlap[] = [];
  for (let i = 0; i < ids.length; i += 1) {
    for (let j = i + 1; j < ids.length; j += 1) {
      const first = ids[i]!;
      const second = ids[j]!;
      const shared = sharedBy.get(JSON.stringify([first, second])) ?? 0;
      const firstSize = sizeOf.get(first)!;
      const secondSize = sizeOf.get(second)!;
      const union = firstSize + secondSize - shared;
      out.push({ first, second, shared, firstSize, secondSize, jaccard: union === 0 ? null : shared / union });
    }
  }
  return out;
}

/**
 * Whether two segments' Jaccard index reaches `ratio` (numerator/denominator, exact in integers): shared ≥ ratio ×
 * union. Two empty segments are not alike (nothing to compare).
 */
export function jaccardReaches(
  overlap: Pick<SegmentOverlap, "shared" | "firstSize" | "secondSize">,
  ratio: { numerator: number; denominator: number },
): boolean {
  const union = overlap.firstSize + overlap.secondSize - overlap.shared;
  return union > 0 && overlap.shared * ratio.denominator >= ratio.numerator * union;
}

/**
 * Pairs that could reach Jaccard `ratio` at all: the index is at most min(size) / max(size), so segments of very
 * different sizes never can. Lets a caller compute the overlap of these pairs only (often none).
 */
export function possiblyAlike(
  segments: ReadonlyArray<{ id: string; size: number }>,
  ratio: { numerator: number; denominator: number },
): Array<{ first: string; second: string }> {
  const out: Array<{ first: string; second: string }> = [];
  for (let i = 0; i < segments.length; i += 1) {
    for (let j = i + 1; j < segments.length; j += 1) {
      const a = segments[i]!;
      const b = segments[j]!;
      const small = Math.min(a.size, b.size);
      const large = Math.max(a.size, b.size);
      if (large > 0 && small * ratio.denominator >= ratio.numerator * large) out.push(pairOf(a.id, b.id));
    }
  }
  return out;
}
