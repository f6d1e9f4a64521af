/** Discounts from segments wired for this process: the CLI, the segment page's resource route and segment edits. */
import db from "../db.server.js";
import { prismaDiscountStore } from "../db/discounts/discount-store.server.js";
import { prismaTagStateStore } from "../db/tagging/tag-state-store.server.js";
import { env } from "../env.server.js";
import type { GraphqlOperation } from "../graphql/operation.js";
import { shopifyDiscounts } from "../shopify/discounts/shopify-discounts.server.js";
import { adminClientForShop } from "../shopify/offline-admin.server.js";
import type { DiscountSegment } from "../services/discounts/ports.js";
import {
  createSegmentDiscount,
  listSegmentDiscounts,
  type CreateDiscountOutcome,
  type DiscountDependencies,
  type SegmentDiscountView,
} from "../services/discounts/segment-discounts.js";
import { retireShopifySegment, syncShopifySegment } from "../services/discounts/shopify-segment-link.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import type { SegmentRecord } from "../services/segments/ports.js";

export class UnknownDiscountSegmentError extends Error {
  constructor(
    readonly shop: string,
    readonly reference: string,
  ) {
    super(`${shop} has no segment named or with id "${reference}"`);
    this.name = "UnknownDiscountSegmentError";
  }
}

async function segmentNamed(shop: string, reference: string): Promise<SegmentRecord> {
  const segments = await prismaSegmentRepository(db).list(shop);
  const found = segments.find((s) => s.name === reference) ?? segments.find((s) => s.id === reference);
  if (!found) throw new UnknownDiscountSegmentError(shop, reference);
  return found;
}

function deps(shop: string): DiscountDependencies {
  const client = adminClientForShop(shop);
  return {
    shopify: shopifyDiscounts((document, variables) =>
      client.execute(document as GraphqlOperation<never, Record<string, unknown>>, variables),
    ),
    store: prismaDiscountStore(db, env().DATABASE_URL),
  };
}

/** A segment by name or id, with the tag its tagging writes (null when tagging was never set up). */
export async function discountSegment(shop: string, reference: string): Promise<DiscountSegment> {
  const segment = await segmentNamed(shop, reference);
  const taggings = await prismaTagStateStore(db, env().DATABASE_URL).taggings(shop);
  return { id: segment.id, name: segment.name, tag: taggings.find((t) => t.segmentId === segment.id)?.tag ?? null };
}

export async function createDiscountForSegment(
  shop: string,
  reference: string,
  form: unknown,
): Promise<CreateDiscountOutcome> {
  return createSegmentDiscount(deps(shop), shop, await discountSegment(shop, reference), form, new Date());
}

export async function segmentDiscounts(shop: string, reference?: string): Promise<SegmentDiscountView[]> {
  const segmentId = reference === undefined ? undefined : (await discountSegment(shop, reference)).id;
  return listSegmentDiscounts(deps(shop), shop, segmentId);
}

/**
 * After a rename or a tag change: the Shopify segment follows. A failure is only logged; the next discount made for
 * the segment brings it in step again.
 */
export async function keepShopifySegmentInStep(shop: string, reference: string): Promise<void> {
  try {
    await syncShopifySegment(
      deps(shop).shopify,
      deps(shop).store,
      shop,
      await discountSegment(shop, reference),
      new Date(),
    );
  } catch (error) {
    console.error(
      `[cohort] Shopify segment of ${reference} (${shop}):`,
      error instanceof Error ? error.message : error,
    );
  }
}

export async function retireShopifySegmentOf(shop: string, segmentId: string): Promise<void> {
  try {
    const { shopify, store } = deps(shop);
    await retireShopifySegment(shopify, store, shop, segmentId);
  } catch (error) {
    console.error(
      `[cohort] Shopify segment of ${segmentId} (${shop}):`,
      error instanceof Error ? error.message : error,
    );
  }
}
