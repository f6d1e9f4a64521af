import fc from "fast-check";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { formatMoney } from "../../../../app/domain/money.js";
import type { CustomerMetricsFacts, PurchaseKind } from "../../../../app/domain/sync/metrics.js";
import type { MarketingState } from "../../../../app/domain/sync/sync-records.js";
import { Parameters, segmentDialectFor } from "../../../../app/db/segments/segment-dialect.server.js";
import { freshDatabase, type TestDatabase } from "../../../helpers/databases.js";

export const SHOP = "a.myshopify.com";
export const OTHER_SHOP = "b.myshopify.com";

export interface OpenDatabase {
  db: Database;
  url: string;
}

/** Opens fresh, migrated databases and closes and drops them all at once (in afterAll). */
export function databasePool() {
  const opened: Array<{ database: TestDatabase; db: Database }> = [];
  return {
    async open(provider: "sqlite" | "postgresql"): Promise<OpenDatabase> {
      const database = await freshDatabase(provider);
      await applyMigrations(database.url);
      const db = createDatabase(database.url);
      opened.push({ database, db });
      return { db, url: database.url };
    },
    async closeAll() {
      for (const { database, db } of opened.splice(0)) {
        await db.$disconnect();
        await database.drop();
      }
    },
  };
}

/** The columns of a CustomerMetrics row the segments read; the rest are filled consistently. */
export interface MetricsRow {
  customerId: string;
  orderCount: number;
  netOrderCount: number;
  netSpend: bigint;
  refundedAmount: bigint;
  averageOrderValue: bigint;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  refundCount: number;
  discountCodeUseCount: number;
  emailMarketing: string | null;
  smsMarketing: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  city: string | null;
  tags: string[];
}

export interface PurchaseRow {
  customerId: string;
  kind: string;
  key: string;
  orderCount: number;
  quantity: number;
  amount: bigint;
  firstAt: string;
  lastAt: string;
}

const BASE = Date.parse("2026-01-01T00:00:00.000Z");
const DAY = 86_400_000;

/** Instants within a year before 2026-01-01, on a few exact day boundaries too (the edges relative dates hit). */
export const instantArb = fc.oneof(
  fc.integer({ min: -365, max: 0 }).map((days) => new Date(BASE + days * DAY).toISOString()),
  fc.integer({ min: -365 * DAY, max: 0 }).map((ms) => new Date(BASE + ms).toISOString()),
);

const marketingArb = fc.constantFrom(null, "SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING");

export function metricsRowArb(customerId: string): fc.Arbitrary<MetricsRow> {
  return fc
    .record({
      orderCount: fc.integer({ min: 0, max: 6 }),
      cancelled: fc.integer({ min: 0, max: 2 }),
      netSpend: fc.oneof(fc.constantFrom(0n, 100_000n, 250_000n), fc.bigInt({ min: -10_000n, max: 5_000_000n })),
      refunded: fc.oneof(fc.constant(0n), fc.constantFrom(25_000n, 100_000n), fc.bigInt({ min: 0n, max: 2_000_000n })),
      first: instantArb,
      last: instantArb,
      refundCount: fc.integer({ min: 0, max: 3 }),
      discountCodeUseCount: fc.integer({ min: 0, max: 3 }),
      emailMarketing: marketingArb,
      smsMarketing: marketingArb,
      countryCode: fc.constantFrom(null, "US", "CA", "FR"),
      provinceCode: fc.constantFrom(null, "CA", "NY", "QC"),
      city: fc.constantFrom(null, "Paris", "Montréal", "New York", "paris"),
      tags: fc.uniqueArray(fc.constantFrom("vip", "VIP", "wholesale", "b2b", "o'brien", "late", "Été"), {
        maxLength: 3,
      }),
    })
    .map((r) => {
      const netOrderCount = Math.max(0, r.orderCount - r.cancelled);
      const [firstOrderAt, lastOrderAt] = r.first <= r.last ? [r.first, r.last] : [r.last, r.first];
      const hasOrders = r.orderCount > 0;
      return {
        customerId,
        orderCount: r.orderCount,
        netOrderCount,
        netSpend: netOrderCount > 0 ? r.netSpend : 0n,
        refundedAmount: netOrderCount > 0 ? r.refunded : 0n,
        averageOrderValue: netOrderCount > 0 ? r.netSpend / BigInt(netOrderCount) : 0n,
        firstOrderAt: hasOrders ? firstOrderAt : null,
        lastOrderAt: hasOrders ? lastOrderAt : null,
        refundCount: r.refundCount,
        discountCodeUseCount: r.discountCodeUseCount,
        emailMarketing: r.emailMarketing,
        smsMarketing: r.smsMarketing,
        countryCode: r.countryCode,
        provinceCode: r.provinceCode,
        city: r.city,
        tags: r.tags,
      };
    });
}

export const metricsRowsArb = (maxLength = 30) =>
  fc
    .integer({ min: 0, max: maxLength })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => metricsRowArb(`${1000 + i}`))));

/** Multi-row INSERT of `rows`, each row's values bound through `values` (one statement per 200 rows). */
async function insertRows<R>(
  open: OpenDatabase,
  table: string,
  columns: string[],
  rows: readonly R[],
  values: (p: Parameters, row: R) => string[],
): Promise<void> {
  const dialect = segmentDialectFor(open.url);
  for (let start = 0; start < rows.length; start += 200) {
    const p = new Parameters(dialect);
    const tuples = rows.slice(start, start + 200).map((row) => `(${values(p, row).join(", ")})`);
    await open.db.$executeRawUnsafe(
      `INSERT INTO ${dialect.table(table)} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
      ...p.values,
    );
  }
}

const METRICS_COLUMNS = [
  "shop",
  "customerId",
  "orderCount",
  "cancelledOrderCount",
  "netOrderCount",
  "grossSpend",
  "refundedAmount",
  "netSpend",
  "averageOrderValue",
  "firstOrderAt",
  "lastOrderAt",
  "refundCount",
  "discountCodeUseCount",
  "distinctDiscountCodeCount",
  "emailMarketing",
  "smsMarketing",
  "tags",
  "countryCode",
  "provinceCode",
  "city",
];

export async function insertMetrics(open: OpenDatabase, shop: string, rows: readonly MetricsRow[]): Promise<void> {
  await insertRows(open, "CustomerMetrics", METRICS_COLUMNS, rows, (p, row) => {
    const instant = (value: string | null) => (value === null ? "NULL" : p.instant(value));
    const text = (value: string | null) => (value === null ? "NULL" : p.text(value));
    return [
      p.text(shop),
      p.text(row.customerId),
      p.integer(row.orderCount),
      p.integer(row.orderCount - row.netOrderCount),
      p.integer(row.netOrderCount),
      p.integer(row.netSpend + row.refundedAmount),
      p.integer(row.refundedAmount),
      p.integer(row.netSpend),
      p.integer(row.averageOrderValue),
      instant(row.firstOrderAt),
      instant(row.lastOrderAt),
      p.integer(row.refundCount),
      p.integer(row.discountCodeUseCount),
      p.integer(Math.min(1, row.discountCodeUseCount)),
      text(row.emailMarketing),
      text(row.smsMarketing),
      p.text(JSON.stringify(row.tags)),
      text(row.countryCode),
      text(row.provinceCode),
      text(row.city),
    ];
  });
  const tags = rows.flatMap((row) => row.tags.map((tag) => ({ customerId: row.customerId, tag })));
  await insertRows(open, "CustomerTag", ["shop", "customerId", "tag"], tags, (p, row) => [
    p.text(shop),
    p.text(row.customerId),
    p.text(row.tag),
  ]);
}

export async function insertPurchases(open: OpenDatabase, shop: string, rows: readonly PurchaseRow[]): Promise<void> {
  const columns = ["shop", "customerId", "kind", "key", "orderCount", "quantity", "amount", "firstAt", "lastAt"];
  await insertRows(open, "CustomerPurchase", columns, rows, (p, row) => [
    p.text(shop),
    p.text(row.customerId),
    p.text(row.kind),
    p.text(row.key),
    p.integer(row.orderCount),
    p.integer(row.quantity),
    p.integer(row.amount),
    p.instant(row.firstAt),
    p.instant(row.lastAt),
  ]);
}

export async function clearShop(open: OpenDatabase): Promise<void> {
  const dialect = segmentDialectFor(open.url);
  for (const table of [
    "CustomerMetrics",
    "CustomerTag",
    "CustomerPurchase",
    "Segment",
    "SegmentMember",
    "SegmentMembershipEvent",
    "SegmentSnapshot",
    "ShopSegmentThresholds",
  ]) {
    await open.db.$executeRawUnsafe(`DELETE FROM ${dialect.table(table)}`);
  }
}

/** The row as the domain sees a customer's metrics (what the reference evaluator reads). */
export function metricsFacts(row: MetricsRow, purchases: readonly PurchaseRow[] = []): CustomerMetricsFacts {
  return {
    customerId: row.customerId,
    orderCount: row.orderCount,
    cancelledOrderCount: row.orderCount - row.netOrderCount,
    netOrderCount: row.netOrderCount,
    grossSpend: formatMoney(row.netSpend + row.refundedAmount),
    refundedAmount: formatMoney(row.refundedAmount),
    netSpend: formatMoney(row.netSpend),
    averageOrderValue: formatMoney(row.averageOrderValue),
    firstOrderAt: row.firstOrderAt,
    lastOrderAt: row.lastOrderAt,
    refundCount: row.refundCount,
    discountCodeUseCount: row.discountCodeUseCount,
    distinctDiscountCodeCount: Math.min(1, row.discountCodeUseCount),
    emailMarketing: row.emailMarketing as MarketingState | null,
    smsMarketing: row.smsMarketing as MarketingState | null,
    tags: row.tags,
    countryCode: row.countryCode,
    provinceCode: row.provinceCode,
    city: row.city,
    purchases: purchases
      .filter((purchase) => purchase.customerId === row.customerId)
      .map((purchase) => ({
        kind: purchase.kind as PurchaseKind,
        key: purchase.key,
        orderCount: purchase.orderCount,
        quantity: purchase.quantity,
        amount: formatMoney(purchase.amount),
        firstAt: purchase.firstAt,
        lastAt: purchase.lastAt,
      })),
  };
}

/** Removes the shop's synced metrics only (segments and their members stay): the store changes under them. */
export async function clearMetrics(open: OpenDatabase): Promise<void> {
  const dialect = segmentDialectFor(open.url);
  for (const table of ["CustomerMetrics", "CustomerTag", "CustomerPurchase"]) {
    await open.db.$executeRawUnsafe(`DELETE FROM ${dialect.table(table)}`);
  }
}
