import { checkSegmentTree } from "../../domain/segments/segment-tree-check.js";
import {
  InvalidSegmentError,
  SegmentNameTakenError,
  SegmentNotFoundError,
  segmentTreeOf,
  type SegmentCatalogDeps,
} from "./segment-catalog.js";
import { evaluateSegment, type SegmentEvaluationDeps } from "./segment-evaluation.js";
import type { CauseOfChange, EvaluationSettings, MembershipChanges, SegmentDeletion, SegmentRecord } from "./ports.js";

/** Causes of the changes an edit makes: the merchant changed the rule, or took the segment away. */
export const QUERY_EDITED: CauseOfChange = { cause: "edit", causeRef: "query-edited" };
export const SEGMENT_DELETED: CauseOfChange = { cause: "edit", causeRef: "deleted" };

/** Members per deletion transaction (SQLite's write lock is held for one batch at a time; issue 11 item 6). */
export const DELETION_BATCH = 5000;

export interface SegmentDeletionDeps extends SegmentCatalogDeps {
  deletion: SegmentDeletion;
}

/** The segment by name or id, or SegmentNotFoundError naming the shop's segments. */
export async function findSegment(deps: SegmentCatalogDeps, shop: string, nameOrId: string): Promise<SegmentRecord> {
  const segment = await deps.segments.get(shop, nameOrId);
  if (segment) return segment;
  const known = (await deps.segments.list(shop)).map((candidate) => candidate.name);
  throw new SegmentNotFoundError(nameOrId, known);
}

/** A new name; its members stay. An empty name or one another segment has: nothing is changed. */
export async function renameSegment(
  deps: SegmentCatalogDeps,
  shop: string,
  nameOrId: string,
  newName: string,
  now: Date,
): Promise<SegmentRecord> {
  const name = newName.trim();
  if (name === "") throw new InvalidSegmentError("A segment needs a name");
  const segment = await findSegment(deps, shop, nameOrId);
  const renamed = await deps.segments.rename(shop, segment.id, name, now);
  if (renamed === "taken") throw new SegmentNameTakenError(name);
  if (renamed === "missing") throw new SegmentNotFoundError(nameOrId);
  return renamed;
}

export interface EditedSegment {
  segment: SegmentRecord;
  changes: MembershipChanges;
}

/**
 * A new query for a saved segment, checked like a new one (errors with positions and hints; nothing saved then),
 * saved as written, and the segment re-evaluated over every customer: who entered or left did so because of the
 * edit (cause "edit", causeRef "query-edited").
 */
export async function editSegmentQuery(
  deps: SegmentEvaluationDeps,
  shop: string,
  nameOrId: string,
  query: string,
  settings: EvaluationSettings,
): Promise<EditedSegment> {
  const tree = segmentTreeOf(query);
  const checked = checkSegmentTree(tree);
  if (!checked.ok) {
    throw new InvalidSegmentError(`Not a valid segment: ${checked.errors[0]?.message ?? "invalid"}`, checked.errors);
  }
  const current = await findSegment(deps, shop, nameOrId);
  const segment = await deps.segments.replaceQuery(shop, current.id, { query, tree: checked.tree }, settings.now);
  if (segment === null) throw new SegmentNotFoundError(nameOrId);
  const changes = await evaluateSegment(deps, shop, segment, settings, QUERY_EDITED);
  return { segment, changes };
}

export interface DeletedSegment {
  segment: SegmentRecord;
  /** Members who left (one exit event each, cause "edit", causeRef "deleted"). */
  exited: number;
}

/**
 * Takes a segment away: its members leave `batch` at a time, each batch in its own transaction with its exit
 * events, then the segment row goes (with any member a concurrent evaluation added meanwhile). Its history stays.
 */
export async function deleteSegment(
  deps: SegmentDeletionDeps,
  shop: string,
  nameOrId: string,
  now: Date,
  batch = DELETION_BATCH,
): Promise<DeletedSegment> {
  const segment = await findSegment(deps, shop, nameOrId);
  let exited = 0;
  for (;;) {
    const left = await deps.deletion.exitMembers(shop, segment.id, SEGMENT_DELETED, now, batch);
    exited += left;
    if (left < batch) break;
  }
  const last = await deps.deletion.remove(shop, segment.id, SEGMENT_DELETED, now);
  if (!last.removed) throw new SegmentNotFoundError(nameOrId);
  return { segment, exited: exited + last.exited };
}
