/**
 * The local Shopify's data model. Records are kept close to the Admin GraphQL shapes so resolvers stay thin.
 * Money is a decimal string (never a float); ids are numeric and become `gid://shopify/<Type>/<id>` at the edge.
 */

export type ShopPlan = "BASIC" | "STANDARD" | "ADVANCED" | "PLUS" | "ENTERPRISE";

export interface ShopRecord {
  id: number;
  /** `demo.myshopify.com` */
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  plan: ShopPlan;
  ianaTimezone: string;
  countryCode: string;
  createdAt: string;
}

export interface AddressRecord {
  id: number;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}

export type MarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "REDACTED" | "INVALID";

export interface MarketingConsent {
  marketingState: MarketingState;
  marketingOptInLevel: "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN" | null;
  consentUpdatedAt: string | null;
}

export interface CustomerRecord {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  state: "ENABLED" | "DISABLED" | "INVITED" | "DECLINED";
  verifiedEmail: boolean;
  taxExempt: boolean;
  locale: string;
  createdAt: string;
  updatedAt: string;
  emailMarketingConsent: MarketingConsent | null;
  smsMarketingConsent: MarketingConsent | null;
  addresses: AddressRecord[];
  defaultAddressId: number | null;
  /** Maintained by the store from the customer's orders: sum of totals less refunds, in shop currency. */
  amountSpent: string;
  numberOfOrders: number;
}

export interface MoneyPair {
  /** In the shop's currency. */
  shop: string;
  /** In the currency the buyer paid with (`OrderRecord.presentmentCurrencyCode`). */
  presentment: string;
}

export interface LineItemRecord {
  id: number;
  title: string;
  variantTitle: string | null;
  quantity: number;
  sku: string | null;
  vendor: string | null;
  productId: number | null;
  variantId: number | null;
  requiresShipping: boolean;
  taxable: boolean;
  originalUnitPrice: MoneyPair;
  /** Line total after line-level and order-level discount allocations. */
  discountedTotal: MoneyPair;
  totalDiscount: MoneyPair;
}

export interface RefundLineItemRecord {
  id: number;
  lineItemId: number;
  quantity: number;
  restockType: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK";
  subtotal: MoneyPair;
}

export interface RefundRecord {
  id: number;
  createdAt: string;
  note: string | null;
  totalRefunded: MoneyPair;
  refundLineItems: RefundLineItemRecord[];
}

export type FinancialStatus =
  "PENDING" | "AUTHORIZED" | "PARTIALLY_PAID" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED" | "EXPIRED";

export type FulfillmentStatus =
  | "UNFULFILLED"
  | "PARTIALLY_FULFILLED"
  | "FULFILLED"
  | "RESTOCKED"
  | "SCHEDULED"
  | "ON_HOLD"
  | "IN_PROGRESS"
  | "OPEN"
  | "PENDING_FULFILLMENT";

export interface OrderRecord {
  id: number;
  /** `#1001` */
  name: string;
  number: number;
  customerId: number | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF" | null;
  closedAt: string | null;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  currencyCode: string;
  presentmentCurrencyCode: string;
  /** `web`, `pos`, `shopify_draft_order`, `iphone`, … as Shopify's `sourceName`. */
  sourceName: string;
  tags: string[];
  note: string | null;
  test: boolean;
  discountCodes: string[];
  lineItems: LineItemRecord[];
  subtotalPrice: MoneyPair;
  totalDiscounts: MoneyPair;
  totalShipping: MoneyPair;
  totalTax: MoneyPair;
  totalPrice: MoneyPair;
  refunds: RefundRecord[];
  shippingAddress: Omit<AddressRecord, "id"> | null;
  billingAddress: Omit<AddressRecord, "id"> | null;
}

export interface VariantRecord {
  id: number;
  title: string;
  sku: string | null;
  price: string;
}

export interface ProductRecord {
  id: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: "ACTIVE" | "ARCHIVED" | "DRAFT";
  createdAt: string;
  updatedAt: string;
  variants: VariantRecord[];
}

export interface CollectionRecord {
  id: number;
  title: string;
  handle: string;
  updatedAt: string;
  productIds: number[];
}

/** What Shopify shows in GIDs: `gid://shopify/<GidType>/<id>`. */
export type GidType =
  | "Shop"
  | "Segment"
  | "DiscountCodeNode"
  | "DiscountAutomaticNode"
  | "DiscountRedeemCode"
  | "Customer"
  | "MailingAddress"
  | "Order"
  | "LineItem"
  | "Refund"
  | "Product"
  | "ProductVariant"
  | "Collection"
  | "BulkOperation"
  | "App"
  | "AppInstallation"
  | "Metafield";

export function toGid(type: GidType, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(gid: string): { type: string; id: number } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match) return null;
  return { type: match[1]!, id: Number(match[2]) };
}
