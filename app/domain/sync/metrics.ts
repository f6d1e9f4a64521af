/**
 * What Cohort measures about a customer, defined once in plain TypeScript. The database computes the same numbers
 * with set-based SQL (app/db/sync-store.server.ts); this is the reference its tests compare against.
 *
 * Definitions (docs/decisions/0006-facts-and-metrics.md):
 * - A customer's *orders* are their non-test orders; test orders count for nothing.
 * - *Net orders* are those orders not cancelled. Spend, refunds, discount codes and everything bought are counted
 *   over net orders only; `orderCount` (like Shopify's numberOfOrders) and the order dates include cancelled ones.
 * - netSpend = grossSpend (sum of totalPrice) − refundedAmount; averageOrderValue = netSpend / netOrderCount,
 *   truncated toward zero to a ten-thousandth; dates are the orders' processedAt.
 */
import { divideMoneyUnits, formatMoney, parseMoney } from "../money.js";
import type { CustomerFacts, MarketingState, OrderFacts } from "./sync-records.js";

export const PURCHASE_KINDS = [
  "product",
  "variant",
  "collection",
  "vendor",
  "productType",
  "discountCode",
  "country",
  "province",
  "city",
  "channel",
] as const;
export type PurchaseKind = (typeof PURCHASE_KINDS)[number];

/**
 * One thing a customer bought (product, variant, collection, vendor, product type: quantity and amount from their
 * line items) or one way they ordered (discount code, country, province as "US-CA", city, sales channel: quantity
 * is the number of orders, amount their totalPrice).
 */
export interface PurchaseStat {
  kind: PurchaseKind;
  key: string;
  orderCount: number;
  quantity: number;
  amount: string;
  firstAt: string;
  lastAt: string;
}

export interface CustomerMetricsFacts {
  customerId: string;
  orderCount: number;
  cancelledOrderCount: number;
  netOrderCount: number;
  grossSpend: string;
  refundedAmount: string;
  netSpend: string;
  averageOrderValue: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  refundCount: number;
  discountCodeUseCount: number;
  distinctDiscountCodeCount: number;
  emailMarketing: MarketingState | null;
  smsMarketing: MarketingState | null;
  tags: string[];
  countryCode: string | null;
  provinceCode: string | null;
  city: string | null;
  /** Sorted by kind (in PURCHASE_KINDS order), then key. */
  purchases: PurchaseStat[];
}

/** Tags as stored: trimmed, empty ones dropped, duplicates removed, first occurrence's order kept. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ""))];
}

/** Optional text as stored: an empty string means absent. */
export function presentText(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === "" ? null : value;
}

export function isoInstant(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`Not a timestamp: ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
}

interface Accumulator {
  orders: Set<string>;
  quantity: number;
  amount: bigint;
  firstAt: string;
  lastAt: string;
}

function comparePurchases(a: PurchaseStat, b: PurchaseStat): number {
  const byKind = PURCHASE_KINDS.indexOf(a.kind) - PURCHASE_KINDS.indexOf(b.kind);
  if (byKind !== 0) return byKind;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function sortPurchases(purchases: PurchaseStat[]): PurchaseStat[] {
  return [...purchases].sort(comparePurchases);
}

/** The customer's metrics from their orders (orders of other customers are ignored). */
export function computeCustomerMetrics(
  customer: CustomerFacts,
  allOrders: readonly OrderFacts[],
): CustomerMetricsFacts {
  const orders = allOrders.filter((order) => order.customerId === customer.id && !order.test);
  const netOrders = orders.filter((order) => order.cancelledAt === null);
  const processed = orders.map((order) => isoInstant(order.processedAt)).sort();

  let grossSpend = 0n;
  let refunded = 0n;
  let refundCount = 0;
  let discountCodeUseCount = 0;
  const codes = new Set<string>();
  const stats = new Map<string, { kind: PurchaseKind; key: string; acc: Accumulator }>();

  const add = (
    kind: PurchaseKind,
    key: string | null,
    orderId: string,
    at: string,
    quantity: number,
    amount: bigint,
  ) => {
    if (key === null) return;
    const id = `${kind}\u0000${key}`;
    let entry = stats.get(id);
    if (!entry) {
      entry = { kind, key, acc: { orders: new Set(), quantity: 0, amount: 0n, firstAt: at, lastAt: at } };
      stats.set(id, entry);
    }
    entry.acc.orders.add(orderId);
    entry.acc.quantity += quantity;
    entry.acc.amount += amount;
    if (at < entry.acc.firstAt) entry.acc.firstAt = at;
    if (at > entry.acc.lastAt) entry.acc.lastAt = at;
  };

  for (const order of netOrders) {
    const at = isoInstant(order.processedAt);
    const total = parseMoney(order.totalPrice);
    grossSpend += total;
    for (const refund of order.refunds) {
      refunded += parseMoney(refund.amount);
      refundCount += 1;
    }
    const orderCodes = new Set(order.discountCodes);
    discountCodeUseCount += orderCodes.size;
    for (const code of orderCodes) {
      codes.add(code);
      add("discountCode", code, order.id, at, 1, total);
    }
    const country = presentText(order.countryCode);
    const province = presentText(order.provinceCode);
    add("country", country, order.id, at, 1, total);
    add("province", province === null ? null : `${country ?? ""}-${province}`, order.id, at, 1, total);
    add("city", presentText(order.city), order.id, at, 1, total);
    add("channel", presentText(order.sourceName), order.id, at, 1, total);
    for (const item of order.lineItems) {
      const amount = parseMoney(item.amount);
      add("product", item.productId, order.id, at, item.quantity, amount);
      add("variant", item.variantId, order.id, at, item.quantity, amount);
      add("vendor", presentText(item.vendor), order.id, at, item.quantity, amount);
      add("productType", presentText(item.productType), order.id, at, item.quantity, amount);
      for (const collectionId of new Set(item.collectionIds)) {
        add("collection", collectionId, order.id, at, item.quantity, amount);
      }
    }
  }

  const netSpend = grossSpend - refunded;
  return {
    customerId: customer.id,
    orderCount: orders.length,
    cancelledOrderCount: orders.length - netOrders.length,
    netOrderCount: netOrders.length,
    grossSpend: formatMoney(grossSpend),
    refundedAmount: formatMoney(refunded),
    netSpend: formatMoney(netSpend),
    averageOrderValue: formatMoney(netOrders.length === 0 ? 0n : divideMoneyUnits(netSpend, netOrders.length)),
    firstOrderAt: processed[0] ?? null,
    lastOrderAt: processed[processed.length - 1] ?? null,
    refundCount,
    discountCodeUseCount,
    distinctDiscountCodeCount: codes.size,
    emailMarketing: customer.emailMarketing,
    smsMarketing: customer.smsMarketing,
    tags: normaliseTags(customer.tags),
    countryCode: presentText(customer.countryCode),
    provinceCode: presentText(customer.provinceCode),
    city: presentText(customer.city),
    purchases: sortPurchases(
      [...stats.values()].map(({ kind, key, acc }) => ({
        kind,
        key,
        orderCount: acc.orders.size,
        quantity: acc.quantity,
        amount: formatMoney(acc.amount),
        firstAt: acc.firstAt,
        lastAt: acc.lastAt,
      })),
    ),
  };
}
