import { isoInstant, normaliseTags, presentText } from "../../domain/sync/metrics.js";
import { parseMoney } from "../../domain/money.js";
import type { CustomerFacts, OrderFacts } from "../../domain/sync/sync-records.js";

/**
 * Synced facts as table rows, shared by every writer (Prisma's SQL on both databases, the SQLite driver-level
 * writer, the benchmark's insert ceiling) so all of them store exactly the same values.
 */
export type Param = string | number | bigint | boolean | null;

const UTC_SECONDS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?Z$/;

/** Timestamps as Prisma writes them on SQLite (text that sorts in time order); PostgreSQL parses them too. */
export function timestamp(value: string): string {
  // Shopify's usual "2026-01-01T00:00:00Z" needs no parsing (a backfill converts millions of them).
  const utc = UTC_SECONDS.exec(value);
  if (utc) return `${utc[1]}.${(utc[2] ?? "").padEnd(3, "0")}+00:00`;
  return isoInstant(value).replace("Z", "+00:00");
}

/**
 * The `ON CONFLICT` clause every fact writer's upsert ends with: the newer snapshot wins (an equal one replaces the
 * stored row), under `extraCondition` too. `table` is the unqualified name the conflicting row is referred by.
 */
export function newerSnapshotWins(table: string, columns: readonly string[], extraCondition = ""): string {
  const updates = columns
    .filter((c) => c !== "shop" && c !== "id")
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(", ");
  return (
    ` ON CONFLICT ("shop", "id") DO UPDATE SET ${updates}` +
    ` WHERE excluded."updatedAt" >= "${table}"."updatedAt"${extraCondition}`
  );
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Keeps one snapshot per id: the newest by updatedAt; on a tie, the later one in the batch. */
export function newestById<T extends { id: string; updatedAt: string }>(records: readonly T[]): T[] {
  const byId = new Map<string, { record: T; time: number }>();
  for (const record of records) {
    const time = Date.parse(record.updatedAt);
    if (Number.isNaN(time)) throw new Error(`Not a timestamp: ${JSON.stringify(record.updatedAt)}`);
    const current = byId.get(record.id);
    if (!current || time >= current.time) byId.set(record.id, { record, time });
  }
  return [...byId.values()].map((entry) => entry.record);
}

export const ORDER_COLUMNS = [
  "shop",
  "id",
  "customerId",
  "createdAt",
  "processedAt",
  "updatedAt",
  "cancelledAt",
  "test",
  "currency",
  "presentmentCurrency",
  "totalPrice",
  "subtotalPrice",
  "totalDiscounts",
  "sourceName",
  "financialStatus",
  "countryCode",
  "provinceCode",
  "city",
];
export const CUSTOMER_COLUMNS = [
  "shop",
  "id",
  "createdAt",
  "updatedAt",
  "state",
  "tags",
  "emailMarketing",
  "smsMarketing",
  "countryCode",
  "provinceCode",
  "city",
];
export const LINE_ITEM_COLUMNS = [
  "shop",
  "orderId",
  "id",
  "productId",
  "variantId",
  "title",
  "vendor",
  "productType",
  "quantity",
  "amount",
];
export const ORDER_CHILD_TABLES = [
  "SyncedLineItem",
  "SyncedLineItemCollection",
  "SyncedRefund",
  "SyncedOrderDiscountCode",
];

/**
 * An order as its `SyncedOrder` row (columns in `ORDER_COLUMNS` order). An order of an erased (deleted or
 * redacted) customer is stored without its customer and its geography, whatever a later snapshot says.
 */
export function orderRow(shop: string, order: OrderFacts, customerId: string | null, erased = false): Param[] {
  return [
    shop,
    order.id,
    customerId,
    timestamp(order.createdAt),
    timestamp(order.processedAt),
    timestamp(order.updatedAt),
    order.cancelledAt === null ? null : timestamp(order.cancelledAt),
    order.test,
    order.currency,
    order.presentmentCurrency,
    parseMoney(order.totalPrice),
    parseMoney(order.subtotalPrice),
    parseMoney(order.totalDiscounts),
    presentText(order.sourceName),
    presentText(order.financialStatus),
    erased ? null : presentText(order.countryCode),
    erased ? null : presentText(order.provinceCode),
    erased ? null : presentText(order.city),
  ];
}

/** The child rows of orders (line items, their collections, refunds, discount codes), each de-duplicated. */
export function orderChildRows(shop: string, orders: readonly OrderFacts[]) {
  const lineItems: Param[][] = [];
  const collections: Param[][] = [];
  const refunds: Param[][] = [];
  const codes: Param[][] = [];
  for (const order of orders) {
    const items = new Map(order.lineItems.map((item) => [item.id, item]));
    for (const item of items.values()) {
      lineItems.push([
        shop,
        order.id,
        item.id,
        item.productId,
        item.variantId,
        item.title,
        presentText(item.vendor),
        presentText(item.productType),
        item.quantity,
        parseMoney(item.amount),
      ]);
      for (const collectionId of new Set(item.collectionIds)) collections.push([shop, order.id, item.id, collectionId]);
    }
    const orderRefunds = new Map(order.refunds.map((refund) => [refund.id, refund]));
    for (const refund of orderRefunds.values()) {
      refunds.push([shop, order.id, refund.id, timestamp(refund.createdAt), parseMoney(refund.amount)]);
    }
    for (const code of new Set(order.discountCodes)) codes.push([shop, order.id, code]);
  }
  return { lineItems, collections, refunds, codes };
}

export const COLLECTION_COLUMNS = ["shop", "orderId", "lineItemId", "collectionId"];
export const REFUND_COLUMNS = ["shop", "orderId", "id", "createdAt", "amount"];
export const DISCOUNT_CODE_COLUMNS = ["shop", "orderId", "code"];
export const TAG_COLUMNS = ["shop", "customerId", "tag"];

/** A customer as its `SyncedCustomer` row (columns in `CUSTOMER_COLUMNS` order). */
export function customerRow(shop: string, customer: CustomerFacts): Param[] {
  return [
    shop,
    customer.id,
    timestamp(customer.createdAt),
    timestamp(customer.updatedAt),
    presentText(customer.state),
    JSON.stringify(normaliseTags(customer.tags)),
    customer.emailMarketing,
    customer.smsMarketing,
    presentText(customer.countryCode),
    presentText(customer.provinceCode),
    presentText(customer.city),
  ];
}
