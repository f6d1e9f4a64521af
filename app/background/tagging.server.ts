import db from "../db.server.js";
import { keepShopifySegmentInStep } from "./discounts.server.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import { prismaShopSettings } from "../db/shop/shop-settings.server.js";
import { prismaTagStateStore } from "../db/tagging/tag-state-store.server.js";
import { env } from "../env.server.js";
import { bulkDownloader } from "../shopify/bulk-download.server.js";
import { adminClientForShop } from "../shopify/offline-admin.server.js";
import { BulkTagWriter } from "../shopify/tagging/bulk-tag-writer.server.js";
import { DirectTagWriter } from "../shopify/tagging/direct-tag-writer.server.js";
import { tagPushWriter } from "../shopify/tagging/tag-push-writer.server.js";
import type { SegmentRecord } from "../services/segments/ports.js";
import { loadShopSettings } from "../services/shop/shop-settings.js";
import type { TagAuditRow, TagPushWriter, TagStateStore } from "../services/tagging/ports.js";
import {
  configureSegmentTagging,
  retireSegmentTagging,
  untagAll,
  type TaggingChange,
  type TaggingOutcome,
} from "../services/tagging/segment-tagging.js";
import { applyTagAuditRetention } from "../services/tagging/tag-audit-retention.js";
import { dryRunSegmentTagging, type TagDryRun } from "../services/tagging/tag-dry-run.js";
import { pushPendingTags, type TagPushSummary } from "../services/tagging/tag-push.js";

/** Tagging wired for this process: the worker's pushes, the command line and the admin pages use it. */
function store(): TagStateStore {
  return prismaTagStateStore(db, env().DATABASE_URL);
}

export class UnknownSegmentError extends Error {
  constructor(
    readonly shop: string,
    readonly reference: string,
  ) {
    super(`${shop} has no segment named or with id "${reference}"`);
    this.name = "UnknownSegmentError";
  }
}

/** A segment by its exact name or its id. */
export async function segmentNamed(shop: string, reference: string): Promise<SegmentRecord> {
  const segments = await prismaSegmentRepository(db).list(shop);
  const found = segments.find((s) => s.name === reference) ?? segments.find((s) => s.id === reference);
  if (!found) throw new UnknownSegmentError(shop, reference);
  return found;
}

/**
 * A settings change marked customers: the pusher of this process (if it runs one) starts now instead of at its next
 * poll. Another process's worker (the command line's changes, a separate `npm run worker`) finds them at its poll.
 */
export function notifyTagOutbox(): void {
  globalThis.cohortBackground?.pushTags();
}

export async function configureTagging(shop: string, segment: string, change: TaggingChange): Promise<TaggingOutcome> {
  const record = await segmentNamed(shop, segment);
  const { tagPrefix } = await loadShopSettings(prismaShopSettings(db), shop);
  const outcome = await configureSegmentTagging(store(), shop, record, change, new Date(), tagPrefix);
  // A new tag changes the query of the Shopify segment behind the segment's discounts.
  if (change.tag !== undefined && outcome.ok) await keepShopifySegmentInStep(shop, record.id);
  if (outcome.ok && outcome.marked > 0) notifyTagOutbox();
  return outcome;
}

export async function dryRunTagging(shop: string, segment: string): Promise<TagDryRun> {
  const { tagPrefix } = await loadShopSettings(prismaShopSettings(db), shop);
  return dryRunSegmentTagging(store(), shop, await segmentNamed(shop, segment), tagPrefix);
}

export async function shopTaggings(shop: string) {
  const [taggings, segments, pending] = await Promise.all([
    store().taggings(shop),
    prismaSegmentRepository(db).list(shop),
    store().pendingCount(shop),
  ]);
  const nameOf = new Map(segments.map((s) => [s.id, s.name]));
  return { taggings: taggings.map((t) => ({ ...t, segmentName: nameOf.get(t.segmentId) ?? null })), pending };
}

export function tagHistory(
  shop: string,
  filter: { customerId?: string; segmentId?: string; limit: number },
): Promise<TagAuditRow[]> {
  return store().auditFor(shop, filter);
}

export async function retireTagging(shop: string, segmentId: string): Promise<number> {
  const marked = await retireSegmentTagging(store(), shop, segmentId, new Date());
  if (marked > 0) notifyTagOutbox();
  return marked;
}

export async function untagShop(shop: string) {
  const outcome = await untagAll(store(), shop, new Date());
  if (outcome.marked > 0) notifyTagOutbox();
  return outcome;
}

export function pushShopTags(
  shop: string,
  options: { maxBatches?: number; writer?: TagPushWriter } = {},
): Promise<TagPushSummary> {
  return pushPendingTags({ store: store(), writer: options.writer ?? tagWriterForShop(shop) }, shop, options);
}

export function purgeTagAudit(): Promise<number> {
  return applyTagAuditRetention(store());
}

const writers = new Map<string, TagPushWriter>();

/**
 * The shop's tag writers: aliased tagsAdd/tagsRemove below the bulk threshold, a bulk mutation from it on. Kept per
 * shop so the Admin client remembers the cost bucket Shopify last reported and paces the next push by it.
 */
export function tagWriterForShop(shop: string): TagPushWriter {
  let writer = writers.get(shop);
  if (!writer) {
    const admin = adminClientForShop(shop);
    writer = tagPushWriter({
      direct: new DirectTagWriter(admin),
      bulk: new BulkTagWriter({
        graphql: (document, variables) => admin.execute(document, variables),
        download: bulkDownloader(),
      }),
      // The shop's own threshold (Settings) when it chose one, the environment's otherwise.
      bulkThreshold: async (shopDomain) =>
        (await prismaShopSettings(db).settings(shopDomain)).tagBulkThreshold ?? env().COHORT_TAG_BULK_THRESHOLD,
    });
    writers.set(shop, writer);
  }
  return writer;
}

/**
 * After a batch of webhooks re-evaluated these customers: their membership changes marked the outbox already (the
 * trigger); customers holding Cohort tags are marked too, since their snapshot may show a tag someone removed.
 */
export async function markChangedCustomers(shop: string, customerIds: string[], eventIds: string[]): Promise<void> {
  await store().markTagHolders(shop, customerIds, { cause: "webhook", causeRef: eventIds.at(-1) ?? null }, new Date());
}

/** Installed shops with customers waiting for a push: an uninstalled shop's pushes stop. */
export async function shopsWithPendingTags(): Promise<string[]> {
  const rows = await db.tagPending.findMany({ distinct: ["shop"], select: { shop: true } });
  if (rows.length === 0) return [];
  const gone = await db.shop.findMany({
    where: { domain: { in: rows.map((row) => row.shop) }, uninstalledAt: { not: null } },
    select: { domain: true },
  });
  const stopped = new Set(gone.map((shop) => shop.domain));
  return rows.map((row) => row.shop).filter((shop) => !stopped.has(shop));
}
