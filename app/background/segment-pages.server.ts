import db from "../db.server.js";
import { prismaSegmentOverlap } from "../db/segments/segment-overlap.server.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import { prismaSegmentSnapshotReader } from "../db/segments/segment-snapshot-reader.server.js";
import { prismaSegmentRevenueReader } from "../db/segments/segment-revenue-reader.server.js";
import { parseSegmentQuery } from "../domain/segments/segment-parser.js";
import type { SegmentQueryError } from "../domain/segments/segment-query-error.js";
import { env } from "../env.server.js";
import type { SegmentPreview } from "../services/segments/ports.js";
import { saveSegmentForm, type SegmentFormInput, type SegmentFormResult } from "../services/segments/segment-form.js";
import { loadSegmentListPage, type SegmentListPage } from "../services/segments/segment-list-page.js";
import { createShopSegment, editShopSegment, previewShopSegment, renameShopSegment } from "./segments.server.js";
import { shopTaggings } from "./tagging.server.js";

/** The admin's segment pages wired: the list, the editor's loader and save, the editor's live preview. */

export function segmentListPage(shop: string, now = new Date()): Promise<SegmentListPage> {
  return loadSegmentListPage(
    {
      segments: prismaSegmentRepository(db),
      overlap: prismaSegmentOverlap(db, env().DATABASE_URL),
      snapshots: prismaSegmentSnapshotReader(db),
      revenue: prismaSegmentRevenueReader(db, env().DATABASE_URL),
      async taggings(forShop) {
        const { taggings } = await shopTaggings(forShop);
        return new Map(taggings.map((tagging) => [tagging.segmentId, { state: tagging.state, tag: tagging.tag }]));
      },
    },
    shop,
    now.toISOString().slice(0, 10),
  );
}

export interface SegmentEditorPage {
  segment: { id: string; name: string; query: string } | null;
}

/** The editor's data: the saved segment to edit, or null for a new one (and for an id the shop does not have). */
export async function segmentEditorPage(shop: string, segmentId: string | null): Promise<SegmentEditorPage> {
  if (segmentId === null) return { segment: null };
  const segment = await prismaSegmentRepository(db).getById(shop, segmentId);
  return { segment: segment ? { id: segment.id, name: segment.name, query: segment.query } : null };
}

export function saveSegment(
  shop: string,
  segmentId: string | null,
  input: SegmentFormInput,
): Promise<SegmentFormResult> {
  const segments = prismaSegmentRepository(db);
  return saveSegmentForm(
    {
      create: async (forShop, name, query) => (await createShopSegment(forShop, name, query)).segment,
      get: (forShop, id) => segments.getById(forShop, id),
      rename: renameShopSegment,
      editQuery: async (forShop, id, query) => (await editShopSegment(forShop, id, query)).segment,
    },
    shop,
    segmentId,
    input,
  );
}

export type SegmentPreviewResult = { ok: true; preview: SegmentPreview } | { ok: false; errors: SegmentQueryError[] };

/** What the query would hold now; the parser's errors (with positions) when it does not parse. */
export async function previewSegment(shop: string, query: string): Promise<SegmentPreviewResult> {
  const parsed = parseSegmentQuery(query);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  return { ok: true, preview: await previewShopSegment(shop, query) };
}
