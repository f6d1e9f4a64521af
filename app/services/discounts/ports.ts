/** What the discount services need of Shopify and of the database (adapters: app/shopify/discounts/, app/db/discounts/). */

/** A userError as Shopify returns it: `field` is the input path (e.g. ["basicCodeDiscount", "code"]). */
export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export type ShopifyResult<T> = { ok: true; value: T } | { ok: false; userErrors: ShopifyUserError[] };

/** "function": an automatic app discount run by Cohort's tag discount Function (extensions/cohort-tag-discount). */
export type DiscountMethod = "code" | "automatic" | "function";
export type DiscountKind = "percentage" | "fixed" | "free_shipping";

export interface ShopifyDiscountInput {
  method: DiscountMethod;
  kind: DiscountKind;
  title: string;
  code: string | null;
  /** Percentage 0–100 or a fixed amount as a decimal string; ignored for free shipping. */
  value: string;
  startsAt: string;
  endsAt: string | null;
  minimumSubtotal: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** The Shopify segment a native discount is limited to; null for a tag discount (the Function checks the tag). */
  shopifySegmentId: string | null;
  /** A tag discount's configuration, written to its metafield for the Function; null for native discounts. */
  tagDiscount: TagDiscountConfiguration | null;
}

/**
 * The JSON of the tag discount's metafield `$app:cohort.tag-discount`, as the Function reads it
 * (extensions/cohort-tag-discount/src/configuration.ts). Free shipping is 100 % off delivery.
 */
export type TagDiscountConfiguration = { tags: string[]; percentage: number } | { tags: string[]; fixedAmount: string };

export interface LiveDiscountState {
  status: "ACTIVE" | "EXPIRED" | "SCHEDULED" | "DELETED";
  asyncUsageCount: number;
}

export interface ShopifyDiscounts {
  createSegment(name: string, query: string): Promise<ShopifyResult<{ id: string; name: string }>>;
  updateSegment(id: string, changes: { name?: string; query?: string }): Promise<ShopifyResult<{ id: string }>>;
  /** true when deleted, false when Shopify no longer had it. */
  deleteSegment(id: string): Promise<boolean>;
  createDiscount(input: ShopifyDiscountInput): Promise<ShopifyResult<{ id: string }>>;
  deleteDiscount(id: string, method: DiscountMethod): Promise<void>;
  /** By discount node id; a discount Shopify no longer has is DELETED. */
  discountStates(ids: readonly string[]): Promise<Map<string, LiveDiscountState>>;
  /** How many customers carry the tag (0 → warn: the segment is empty for now). */
  customersWithTag(tag: string): Promise<number>;
}

export interface ShopifySegmentLink {
  segmentId: string;
  shopifySegmentId: string;
  name: string;
  query: string;
}

export interface StoredDiscount {
  id: string;
  segmentId: string;
  method: DiscountMethod;
  kind: DiscountKind;
  title: string;
  code: string | null;
  /** Money units for fixed amounts, the percentage for percentages (as units too: 15 % → 15), 0 for shipping. */
  value: string;
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  createdAt: string;
}

export interface AttributionRow {
  discountId: string;
  redemptions: number;
  /** Money units. */
  revenue: bigint;
}

export interface DiscountStore {
  link(shop: string, segmentId: string): Promise<ShopifySegmentLink | null>;
  saveLink(shop: string, link: ShopifySegmentLink, now: Date): Promise<void>;
  deleteLink(shop: string, segmentId: string): Promise<void>;
  saveDiscount(shop: string, discount: StoredDiscount): Promise<void>;
  discounts(shop: string, segmentId?: string): Promise<StoredDiscount[]>;
  /** Redemptions and revenue of the synced orders that used each discount's code (SQL). */
  attribution(shop: string, segmentId?: string): Promise<AttributionRow[]>;
}

/** The Cohort segment as the discount services see it: its tag comes from its tagging settings. */
export interface DiscountSegment {
  id: string;
  name: string;
  tag: string | null;
}
