import {
  MARKETING_STATES,
  type CustomerFacts,
  type LineItemFacts,
  type MarketingState,
  type OrderFacts,
  type RefundFacts,
} from "../../domain/sync/sync-records.js";

/**
 * Pure mapping of Shopify's REST webhook bodies (orders/*, refunds/create, customers/*) to Cohort's facts. Webhook
 * bodies can be trimmed (`include_fields`) or redacted (fields the app is not approved for), so every field is
 * read defensively: what is missing becomes null, never a guess.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objectAt(value: Json, key: string): Json | null {
  const field = value[key];
  return isObject(field) ? field : null;
}

function arrayAt(value: Json, key: string): Json[] {
  const field = value[key];
  return Array.isArray(field) ? field.filter(isObject) : [];
}

function stringAt(value: Json, key: string): string | null {
  const field = value[key];
  if (typeof field === "string") return field;
  if (typeof field === "number" && Number.isFinite(field)) return String(field);
  return null;
}

/** Shopify ids as decimal strings; REST bodies carry numbers (exact below 2^53) or, from some sources, strings. */
function idAt(value: Json, key: string): string | null {
  const field = value[key];
  if (typeof field === "number" && Number.isSafeInteger(field)) return String(field);
  if (typeof field === "string" && /^\d+$/.test(field)) return field;
  if (typeof field === "string") {
    const gid = /^gid:\/\/shopify\/\w+\/(\d+)$/.exec(field);
    if (gid) return gid[1]!;
  }
  return null;
}

/**
 * REST writes times in the shop's offset (`2024-11-10T10:30:00-05:00`); GraphQL writes UTC (`…Z`). Both become
 * `YYYY-MM-DDTHH:MM:SSZ` so snapshots from either source compare by `updatedAt` as strings and as instants.
 */
export function normalizeTimestamp(value: string | null): string | null {
  if (value === null) return null;
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return null;
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// -- exact decimal arithmetic on money strings (any number of decimals; the result keeps the widest input's)

interface Scaled {
  units: bigint;
  decimals: number;
}

function parseMoney(amount: string): Scaled | null {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return null;
  const fraction = match[3] ?? "";
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] ? -units : units, decimals: fraction.length };
}

function rescale(value: Scaled, decimals: number): bigint {
  return value.units * 10n ** BigInt(decimals - value.decimals);
}

function formatMoney(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Sums money strings exactly; at least two decimals, as Shopify writes them. */
export function sumMoney(amounts: string[]): string {
  const parsed = amounts.map(parseMoney).filter((value): value is Scaled => value !== null);
  const decimals = Math.max(2, ...parsed.map((value) => value.decimals));
  return formatMoney(
    parsed.reduce((sum, value) => sum + rescale(value, decimals), 0n),
    decimals,
  );
}

export function multiplyMoney(amount: string, quantity: number): string {
  const parsed = parseMoney(amount);
  if (!parsed || !Number.isSafeInteger(quantity)) return sumMoney([]);
  const decimals = Math.max(2, parsed.decimals);
  return formatMoney(rescale(parsed, decimals) * BigInt(quantity), decimals);
}

function negate(amount: string): string {
  return amount.startsWith("-") ? amount.slice(1) : `-${amount}`;
}

/** The shop-currency amount of a REST money field: `<key>_set.shop_money.amount`, else the plain `<key>`. */
function shopMoney(value: Json, key: string): string | null {
  const set = objectAt(value, `${key}_set`);
  const shop = set ? objectAt(set, "shop_money") : null;
  const amount = shop ? stringAt(shop, "amount") : null;
  return amount ?? stringAt(value, key);
}

function upperOrNull(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}

// -- orders

function mapLineItem(line: Json): LineItemFacts | null {
  const id = idAt(line, "id");
  if (id === null) return null;
  const quantity = typeof line.quantity === "number" ? line.quantity : 0;
  const gross = multiplyMoney(shopMoney(line, "price") ?? "0.00", quantity);
  const allocations = arrayAt(line, "discount_allocations")
    .map((allocation) => shopMoney(allocation, "amount"))
    .filter((amount): amount is string => amount !== null);
  // Newer payloads spread discounts over `discount_allocations`; `total_discount` is the older, deprecated field.
  const discount = allocations.length > 0 ? sumMoney(allocations) : (shopMoney(line, "total_discount") ?? "0.00");
  return {
    id,
    productId: idAt(line, "product_id"),
    variantId: idAt(line, "variant_id"),
    title: stringAt(line, "title") ?? "",
    vendor: stringAt(line, "vendor"),
    // Webhook line items carry neither product type nor collections: only the Admin API knows them.
    productType: null,
    collectionIds: [],
    quantity,
    amount: sumMoney([gross, negate(discount)]),
  };
}

/**
 * A refund's total in shop currency: its successful refund transactions when they are in shop currency, else the
 * shop-money subtotals of its refunded line items (transactions are in the presentment currency).
 */
export function mapRefund(refund: Json, shopCurrency: string | null): RefundFacts | null {
  const id = idAt(refund, "id");
  const createdAt = normalizeTimestamp(stringAt(refund, "created_at") ?? stringAt(refund, "processed_at"));
  if (id === null || createdAt === null) return null;
  const transactions = arrayAt(refund, "transactions").filter(
    (transaction) => stringAt(transaction, "kind") === "refund" && stringAt(transaction, "status") === "success",
  );
  const inShopCurrency = transactions.every(
    (transaction) => shopCurrency === null || (stringAt(transaction, "currency") ?? shopCurrency) === shopCurrency,
  );
  const amount =
    transactions.length > 0 && inShopCurrency
      ? sumMoney(transactions.map((transaction) => stringAt(transaction, "amount") ?? "0"))
      : sumMoney(arrayAt(refund, "refund_line_items").map((item) => shopMoney(item, "subtotal") ?? "0"));
  return { id, createdAt, amount };
}

export class UnmappablePayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnmappablePayloadError";
  }
}

/** orders/create|updated|paid|cancelled (and any REST order body) → OrderFacts. */
export function mapOrderPayload(payload: unknown): OrderFacts {
  if (!isObject(payload)) throw new UnmappablePayloadError("The order payload is not an object");
  const id = idAt(payload, "id");
  const createdAt = normalizeTimestamp(stringAt(payload, "created_at"));
  const updatedAt = normalizeTimestamp(stringAt(payload, "updated_at"));
  if (id === null || createdAt === null || updatedAt === null) {
    throw new UnmappablePayloadError("The order payload lacks id, created_at or updated_at");
  }
  const currency = stringAt(payload, "currency");
  const customer = objectAt(payload, "customer");
  const address = objectAt(payload, "shipping_address") ?? objectAt(payload, "billing_address");
  return {
    id,
    customerId: customer ? idAt(customer, "id") : null,
    createdAt,
    processedAt: normalizeTimestamp(stringAt(payload, "processed_at")) ?? createdAt,
    updatedAt,
    cancelledAt: normalizeTimestamp(stringAt(payload, "cancelled_at")),
    test: payload.test === true,
    currency: currency ?? "",
    presentmentCurrency: stringAt(payload, "presentment_currency") ?? currency ?? "",
    totalPrice: shopMoney(payload, "total_price") ?? "0.00",
    subtotalPrice: shopMoney(payload, "subtotal_price") ?? "0.00",
    totalDiscounts: shopMoney(payload, "total_discounts") ?? "0.00",
    discountCodes: arrayAt(payload, "discount_codes")
      .map((code) => stringAt(code, "code"))
      .filter((code): code is string => code !== null),
    sourceName: stringAt(payload, "source_name"),
    financialStatus: upperOrNull(stringAt(payload, "financial_status")),
    countryCode: address ? stringAt(address, "country_code") : null,
    provinceCode: address ? stringAt(address, "province_code") : null,
    city: address ? stringAt(address, "city") : null,
    lineItems: arrayAt(payload, "line_items")
      .map(mapLineItem)
      .filter((line): line is LineItemFacts => line !== null),
    refunds: arrayAt(payload, "refunds")
      .map((refund) => mapRefund(refund, currency))
      .filter((refund): refund is RefundFacts => refund !== null),
  };
}

/** refunds/create → the order it belongs to and the refund's facts. */
export function mapRefundPayload(
  payload: unknown,
  shopCurrency: string | null = null,
): {
  orderId: string;
  refund: RefundFacts;
} {
  if (!isObject(payload)) throw new UnmappablePayloadError("The refund payload is not an object");
  const orderId = idAt(payload, "order_id");
  const refund = mapRefund(payload, shopCurrency);
  if (orderId === null || refund === null) {
    throw new UnmappablePayloadError("The refund payload lacks id, order_id or created_at");
  }
  return { orderId, refund };
}

/** Adds a refund to an order's facts (once: a duplicate refund id changes nothing). */
export function withRefund(order: OrderFacts, refund: RefundFacts): OrderFacts {
  if (order.refunds.some((known) => known.id === refund.id)) return order;
  return { ...order, refunds: [...order.refunds, refund] };
}

// -- customers

function marketingState(consent: Json | null): MarketingState | null {
  const state = consent ? upperOrNull(stringAt(consent, "state")) : null;
  return MARKETING_STATES.find((known) => known === state) ?? null;
}

export function splitTags(tags: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags.split(",").map((part) => part.trim())) {
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

export interface MappedCustomer {
  facts: CustomerFacts;
  /**
   * Since API 2025-01 customer webhooks no longer carry `tags` and the marketing consents: the facts then hold
   * empty placeholders for them, and the caller should read the customer from the Admin API instead of storing
   * them over richer data.
   */
  complete: boolean;
}

/** customers/create|update → CustomerFacts. */
export function mapCustomerPayload(payload: unknown): MappedCustomer {
  if (!isObject(payload)) throw new UnmappablePayloadError("The customer payload is not an object");
  const id = idAt(payload, "id");
  const createdAt = normalizeTimestamp(stringAt(payload, "created_at"));
  const updatedAt = normalizeTimestamp(stringAt(payload, "updated_at"));
  if (id === null || createdAt === null || updatedAt === null) {
    throw new UnmappablePayloadError("The customer payload lacks id, created_at or updated_at");
  }
  const address = objectAt(payload, "default_address");
  const tags = stringAt(payload, "tags");
  const complete = tags !== null && "email_marketing_consent" in payload;
  return {
    facts: {
      id,
      createdAt,
      updatedAt,
      state: upperOrNull(stringAt(payload, "state")),
      tags: tags === null ? [] : splitTags(tags),
      emailMarketing: marketingState(objectAt(payload, "email_marketing_consent")),
      smsMarketing: marketingState(objectAt(payload, "sms_marketing_consent")),
      countryCode: address ? stringAt(address, "country_code") : null,
      provinceCode: address ? stringAt(address, "province_code") : null,
      city: address ? stringAt(address, "city") : null,
    },
    complete,
  };
}

/** customers/delete → the deleted customer's id. */
export function mapDeletedCustomerId(payload: unknown): string {
  const id = isObject(payload) ? idAt(payload, "id") : null;
  if (id === null) throw new UnmappablePayloadError("The customers/delete payload lacks an id");
  return id;
}

/** orders/delete → the deleted order's id (the body is `{ "id": <number> }`). */
export function mapDeletedOrderId(payload: unknown): string {
  const id = isObject(payload) ? idAt(payload, "id") : null;
  if (id === null) throw new UnmappablePayloadError("The orders/delete payload lacks an id");
  return id;
}

/** bulk_operations/finish → the finished operation's GraphQL id (`gid://shopify/BulkOperation/<n>`). */
export function mapFinishedBulkOperationId(payload: unknown): string {
  const id = isObject(payload) ? stringAt(payload, "admin_graphql_api_id") : null;
  if (id === null || !/^gid:\/\/shopify\/BulkOperation\/\d+$/.test(id)) {
    throw new UnmappablePayloadError("The bulk_operations/finish payload lacks admin_graphql_api_id");
  }
  return id;
}

/** Compliance payloads: `customer.id` and the order ids Shopify names. */
export function mapCompliancePayload(payload: unknown): {
  customerId: string | null;
  orderIds: string[];
  /** customers/data_request's `data_request.id`: one request, however many times it is delivered. */
  requestId: string | null;
} {
  if (!isObject(payload)) throw new UnmappablePayloadError("The compliance payload is not an object");
  const customer = objectAt(payload, "customer");
  const orders = payload.orders_to_redact ?? payload.orders_requested;
  const orderIds = (Array.isArray(orders) ? orders : [])
    .map((order) => (typeof order === "number" || typeof order === "string" ? idAt({ id: order }, "id") : null))
    .filter((order): order is string => order !== null);
  const request = objectAt(payload, "data_request");
  return {
    customerId: customer ? idAt(customer, "id") : null,
    orderIds,
    requestId: request ? idAt(request, "id") : null,
  };
}
