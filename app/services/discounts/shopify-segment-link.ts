/**
 * The Shopify customer segment behind a Cohort segment's discounts: created on the first discount, renamed and
 * re-queried when the Cohort segment's name or tag changes, deleted when the segment retires.
 */
import { shopifySegmentName, tagSegmentQuery } from "../../domain/discounts/shopify-segment-query.js";
import type {
  DiscountSegment,
  DiscountStore,
  ShopifyDiscounts,
  ShopifySegmentLink,
  ShopifyUserError,
} from "./ports.js";

export type LinkOutcome =
  { ok: true; link: ShopifySegmentLink; created: boolean } | { ok: false; userErrors: ShopifyUserError[] };

export async function ensureShopifySegment(
  shopify: ShopifyDiscounts,
  store: DiscountStore,
  shop: string,
  segment: DiscountSegment & { tag: string },
  now: Date,
): Promise<LinkOutcome> {
  const name = shopifySegmentName(segment.name);
  const query = tagSegmentQuery(segment.tag);
  const existing = await store.link(shop, segment.id);
  if (existing) {
    if (existing.name === name && existing.query === query) return { ok: true, link: existing, created: false };
    const updated = await shopify.updateSegment(existing.shopifySegmentId, { name, query });
    if (updated.ok) {
      const link = { ...existing, name, query };
      await store.saveLink(shop, link, now);
      return { ok: true, link, created: false };
    }
    // Deleted in Shopify's admin meanwhile: make a new one below.
    if (!updated.userErrors.some((error) => error.field?.includes("id"))) return updated;
    await store.deleteLink(shop, segment.id);
  }
  const created = await shopify.createSegment(name, query);
  if (!created.ok) return created;
  const link = { segmentId: segment.id, shopifySegmentId: created.value.id, name: created.value.name, query };
  await store.saveLink(shop, link, now);
  return { ok: true, link, created: true };
}

/** Keeps an existing Shopify segment in step with the Cohort segment (no-op when none was made). */
export async function syncShopifySegment(
  shopify: ShopifyDiscounts,
  store: DiscountStore,
  shop: string,
  segment: DiscountSegment,
  now: Date,
): Promise<ShopifySegmentLink | null> {
  const existing = await store.link(shop, segment.id);
  if (!existing || segment.tag === null) return existing;
  const outcome = await ensureShopifySegment(shopify, store, shop, { ...segment, tag: segment.tag }, now);
  return outcome.ok ? outcome.link : existing;
}

/** Deletes the Shopify segment of a Cohort segment that is going away (its discounts then apply to nobody). */
export async function retireShopifySegment(
  shopify: ShopifyDiscounts,
  store: DiscountStore,
  shop: string,
  segmentId: string,
): Promise<boolean> {
  const existing = await store.link(shop, segmentId);
  if (!existing) return false;
  await shopify.deleteSegment(existing.shopifySegmentId);
  await store.deleteLink(shop, segmentId);
  return true;
}
