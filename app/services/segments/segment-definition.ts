import { createSegmentFromQuery, segmentTreeOf } from "./segment-catalog.js";
import { evaluateSegment, previewSegment, type SegmentEvaluationDeps } from "./segment-evaluation.js";
import type { EvaluationSettings, MembershipChanges, SegmentPreview, SegmentRecord } from "./ports.js";

export interface DefinedSegment {
  segment: SegmentRecord;
  changes: MembershipChanges;
}

/**
 * Saves a segment written as a query (kept as the merchant wrote it) and gives it its members at once (cause
 * "edit"). A query with errors, an empty or a taken name: nothing is saved (InvalidSegmentError, SegmentNameTakenError).
 */
export async function defineSegment(
  deps: SegmentEvaluationDeps,
  shop: string,
  definition: { name: string; query: string; buffer?: string | null },
  settings: EvaluationSettings,
): Promise<DefinedSegment> {
  const segment = await createSegmentFromQuery(deps, shop, definition, settings.now);
  const changes = await evaluateSegment(deps, shop, segment, settings, { cause: "edit", causeRef: segment.id });
  return { segment, changes };
}

/** What a query not saved yet would hold now. */
export function previewQuery(
  deps: SegmentEvaluationDeps,
  shop: string,
  query: string,
  settings: EvaluationSettings,
): Promise<SegmentPreview> {
  return previewSegment(deps, shop, segmentTreeOf(query), settings);
}
