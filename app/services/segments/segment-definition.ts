import { parseSegmentQuery } from "../../domain/segments/segment-parser.js";
import { printSegmentTree } from "../../domain/segments/segment-printer.js";
import type { SegmentQueryError } from "../../domain/segments/segment-query-error.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import { createSegment } from "./segment-catalog.js";
import { evaluateSegment, previewSegment, type SegmentEvaluationDeps } from "./segment-evaluation.js";
import type { EvaluationSettings, MembershipChanges, SegmentPreview, SegmentRecord } from "./ports.js";

/** The query does not parse or names what Cohort cannot evaluate; each error has its position and a hint. */
export class InvalidSegmentQueryError extends Error {
  constructor(
    readonly query: string,
    readonly errors: readonly SegmentQueryError[],
  ) {
    super(errors.map((error) => error.message).join("; "));
    this.name = "InvalidSegmentQueryError";
  }
}

/** The query's tree, or the errors in it (the same errors whether they reach the admin or the command line). */
export function segmentTreeOf(query: string): SegmentTree {
  const parsed = parseSegmentQuery(query);
  if (!parsed.ok) throw new InvalidSegmentQueryError(query, parsed.errors);
  return parsed.tree;
}

export interface DefinedSegment {
  segment: SegmentRecord;
  changes: MembershipChanges;
}

/**
 * Saves a segment written as a query (kept in its canonical form) and gives it its members at once (cause "edit").
 * A query with errors, an empty or taken name: nothing is saved.
 */
export async function defineSegment(
  deps: SegmentEvaluationDeps,
  shop: string,
  definition: { name: string; query: string },
  settings: EvaluationSettings,
): Promise<DefinedSegment> {
  const tree = segmentTreeOf(definition.query);
  const segment = await createSegment(
    deps,
    shop,
    { name: definition.name, query: printSegmentTree(tree), tree },
    settings.now,
  );
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
