import { SegmentTreeSchema } from "../../domain/segments/segment-tree.js";
import type { NewSegment, SegmentRecord, SegmentRepository } from "./ports.js";

/** The shop already has a segment of this name; nothing was saved. */
export class SegmentNameTakenError extends Error {
  constructor(readonly segmentName: string) {
    super(`A segment named "${segmentName}" already exists`);
    this.name = "SegmentNameTakenError";
  }
}

/** The segment cannot be saved as given (an empty name, a tree that is not a segment tree); nothing was saved. */
export class InvalidSegmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSegmentError";
  }
}

export interface SegmentCatalogDeps {
  segments: SegmentRepository;
}

export interface ListedSegment extends SegmentRecord {
  size: number;
}

export async function createSegment(
  deps: SegmentCatalogDeps,
  shop: string,
  segment: NewSegment,
  now: Date,
): Promise<SegmentRecord> {
  const name = segment.name.trim();
  if (name === "") throw new InvalidSegmentError("A segment needs a name");
  const tree = SegmentTreeSchema.safeParse(segment.tree);
  if (!tree.success) throw new InvalidSegmentError(`Not a segment tree: ${tree.error.message}`);
  const created = await deps.segments.create(shop, { ...segment, name, tree: tree.data }, now);
  if (created === null) throw new SegmentNameTakenError(name);
  return created;
}

/** The shop's segments by name, each with its current number of members. */
export async function listSegments(deps: SegmentCatalogDeps, shop: string): Promise<ListedSegment[]> {
  const [segments, sizes] = await Promise.all([deps.segments.list(shop), deps.segments.sizes(shop)]);
  return segments.map((segment) => ({ ...segment, size: sizes.get(segment.id) ?? 0 }));
}
