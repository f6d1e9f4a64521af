/**
 * What Cohort keeps of Shopify's orders and customers: the facts segments need, normalised from any source (bulk
 * export JSONL, GraphQL pages, webhook payloads) into one shape. Only the personal data features need is kept:
 * no names, emails, phones or street addresses — geography stops at city.
 *
 * Ids are Shopify's numeric ids as decimal strings (they exceed 2^53 in some shops). Money is a decimal string in
 * the shop's currency; arithmetic on it is exact (see `money.ts`). Times are ISO-8601 strings.
 */

export interface LineItemFacts {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  vendor: string | null;
  productType: string | null;
  /** Collections the product belonged to when synced. */
  collectionIds: string[];
  quantity: number;
  /** Line total after discounts, shop currency. */
  amount: string;
}

export interface RefundFacts {
  id: string;
  createdAt: string;
  /** Total refunded, shop currency. */
  amount: string;
}

export interface OrderFacts {
  id: string;
  customerId: string | null;
  createdAt: string;
  processedAt: string;
  /** Shopify's `updated_at`: the newer snapshot wins when deliveries arrive out of order. */
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  /** Shop currency code. */
  currency: string;
  presentmentCurrency: string;
  /** Order total before refunds, shop currency. */
  totalPrice: string;
  subtotalPrice: string;
  totalDiscounts: string;
  discountCodes: string[];
  sourceName: string | null;
  financialStatus: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  city: string | null;
  lineItems: LineItemFacts[];
  refunds: RefundFacts[];
}

/** Marketing consent states, spelled as Shopify's Admin API spells them. */
export const MARKETING_STATES = [
  "SUBSCRIBED",
  "NOT_SUBSCRIBED",
  "UNSUBSCRIBED",
  "PENDING",
  "REDACTED",
  "INVALID",
] as const;
export type MarketingState = (typeof MARKETING_STATES)[number];

export interface CustomerFacts {
  id: string;
  createdAt: string;
  updatedAt: string;
  state: string | null;
  /** The merchant's own tags (Cohort's tags are excluded when it reads them back). */
  tags: string[];
  emailMarketing: MarketingState | null;
  smsMarketing: MarketingState | null;
  countryCode: string | null;
  provinceCode: string | null;
  city: string | null;
}
