import {
  isoInstant,
  normaliseTags,
  PURCHASE_KINDS,
  sortPurchases,
  type CustomerMetricsFacts,
  type PurchaseKind,
} from "../../domain/sync/metrics.js";
import { formatMoney } from "../../domain/money.js";
import type { MarketingState, OrderFacts } from "../../domain/sync/sync-records.js";
import type { SyncStore, UpsertResult } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";
import { nextStepCount } from "../../lib/transaction-pacing.js";
import { parseDatabaseUrl } from "../database-url.js";
import { postgresFactWriterFor } from "./postgres-fact-writer.server.js";
import { sqliteFactWriterFor } from "./sqlite-fact-writer.server.js";
import {
  chunks,
  COLLECTION_COLUMNS,
  CUSTOMER_COLUMNS,
  customerRow,
  DISCOUNT_CODE_COLUMNS,
  LINE_ITEM_COLUMNS,
  newerSnapshotWins,
  newestById,
  ORDER_CHILD_TABLES,
  ORDER_COLUMNS,
  orderChildRows,
  orderRow,
  REFUND_COLUMNS,
  TAG_COLUMNS,
  timestamp,
  type Param,
} from "./fact-rows.js";

/**
 * The SyncStore on Prisma, in set-based SQL that runs unchanged on SQLite and PostgreSQL: multi-row
 * `INSERT … ON CONFLICT … DO UPDATE … WHERE excluded."updatedAt" >= …` for facts (Prisma's row-by-row writes are
 * far too slow for a backfill), `INSERT … SELECT … GROUP BY` for metrics. Values are inlined as escaped
 * literals (see `Dialect.literal`); table names are schema-qualified on PostgreSQL because raw SQL ignores the
 * adapter's schema. The fact writes go through a driver-level writer (`sqlite-fact-writer.server.ts`,
 * `postgres-fact-writer.server.ts`) unless told otherwise; these statements remain the reference they are compared
 * with.
 */
type Executor = Pick<Database, "$executeRawUnsafe" | "$queryRawUnsafe">;
/** The customers a metrics statement covers: an id list, or every id from `from` up to `before` (excluded). */
type CustomerScope = { ids: string[] } | { from: string; before: string | null };

/** Rows per multi-row statement: big enough to amortise each statement, small enough to stay a few 100 kB. */
const ROWS_PER_STATEMENT = 1000;
/** Customers per metrics statement: the id list repeats in each sub-select. */
const METRICS_CHUNK = 500;
/**
 * The full recompute's pacing: ranges of RECOMPUTE_STEP customers, as many per transaction as keep it near
 * RECOMPUTE_TRANSACTION_MS (on SQLite webhook acknowledgements wait for the write lock it holds). Each range has a
 * fixed cost besides its customers: at 100,000 orders, ranges of 2,000 customers (about 450 ms a transaction)
 * recompute in 4.7-5.1 s, this pacing in 6.2-6.8 s, ranges of 25-100 customers (25-50 ms) in 8-14 s.
 */
const RECOMPUTE_STEP = 250;
const RECOMPUTE_TRANSACTION_MS = 100;
const RECOMPUTE_MAX_STEPS = 16;
/**
 * Every write transaction is one batch (a few thousand orders, a range of customers' metrics): well under a second.
 * The timeout is a bound, not a budget: on SQLite a transaction holds the one write lock, and webhook
 * acknowledgements wait behind it, so one that runs this long is a defect to fail loudly, not to wait out.
 */
const TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

interface Dialect {
  table(name: string): string;
  /**
   * An extra RETURNING column `inserted` telling a fresh insert from an update (PostgreSQL: `xmax = 0`), or null
   * where the upsert cannot tell (SQLite, whose serialised writers let a read before the write tell instead).
   */
  insertedColumn: string | null;
  /** Refreshes the planner's statistics of these tables. */
  analyze(tables: string[]): string[];
  /** A value as an SQL literal. Statements inline their values: Prisma's handling of thousands of bound
   * parameters costs three times the database's own work. */
  literal(value: Param): string;
}

function literalWith(value: Param, quote: (text: string) => string, bool: (value: boolean) => string): string {
  if (value === null) return "NULL";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return bool(value);
  // NUL cannot be stored in PostgreSQL text and would cut SQLite's short; Shopify never sends it.
  return quote(value.replaceAll("\u0000", ""));
}

function dialectFor(databaseUrl: string): Dialect {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider === "sqlite") {
    return {
      table: (name) => `"${name}"`,
      insertedColumn: null,
      analyze: (tables) => tables.map((name) => `ANALYZE "${name}"`),
      literal: (value) =>
        literalWith(
          value,
          (text) => `'${text.replace(/'/g, "''")}'`,
          (b) => (b ? "1" : "0"),
        ),
    };
  }
  return {
    table: (name) => `"${target.schema}"."${name}"`,
    insertedColumn: `(xmax = 0) AS "inserted"`,
    analyze: (tables) => [`ANALYZE ${tables.map((name) => `"${target.schema}"."${name}"`).join(", ")}`],
    // E'' strings read backslashes the same whatever standard_conforming_strings says.
    literal: (value) =>
      literalWith(
        value,
        (text) =>
          text.includes("\\")
            ? `E'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`
            : `'${text.replace(/'/g, "''")}'`,
        (b) => (b ? "TRUE" : "FALSE"),
      ),
  };
}

function asDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return isoInstant(String(value));
}

const FACT_TABLES = [
  "SyncedCustomer",
  "SyncedOrder",
  "SyncedLineItem",
  "SyncedLineItemCollection",
  "SyncedRefund",
  "SyncedOrderDiscountCode",
];

/**
 * Where each kind of CustomerPurchase comes from: the customers' counted orders (`net`, alias o) or their line
 * items (`lines`, alias l), the key it groups by, the column that must be present, and the fact table joined to
 * them with its join condition.
 *
 * The joined table comes second in a CROSS JOIN, which SQLite never reorders: a materialized CTE has no statistics,
 * and SQLite otherwise chose to scan all of the shop's discount codes for every range of customers (a fifth of the
 * recompute at 1,000,000 orders). PostgreSQL plans a CROSS JOIN with a WHERE like an inner join.
 */
const PURCHASE_SOURCES: Record<
  PurchaseKind,
  {
    from: "orders" | "lines";
    key: string;
    present: string;
    join?: { table: string; alias: string; on: string };
  }
> = {
  product: { from: "lines", key: 'l."productId"', present: 'l."productId"' },
  variant: { from: "lines", key: 'l."variantId"', present: 'l."variantId"' },
  vendor: { from: "lines", key: "l.vendor", present: "l.vendor" },
  productType: { from: "lines", key: 'l."productType"', present: 'l."productType"' },
  collection: {
    from: "lines",
    key: 'lc."collectionId"',
    present: 'lc."collectionId"',
    join: {
      table: "SyncedLineItemCollection",
      alias: "lc",
      on: 'lc.shop = l.shop AND lc."orderId" = l."orderId" AND lc."lineItemId" = l."lineItemId"',
    },
  },
  country: { from: "orders", key: 'o."countryCode"', present: 'o."countryCode"' },
  province: {
    from: "orders",
    key: `COALESCE(o."countryCode", '') || '-' || o."provinceCode"`,
    present: 'o."provinceCode"',
  },
  city: { from: "orders", key: "o.city", present: "o.city" },
  channel: { from: "orders", key: 'o."sourceName"', present: 'o."sourceName"' },
  discountCode: {
    from: "orders",
    key: "dc.code",
    present: "dc.code",
    join: { table: "SyncedOrderDiscountCode", alias: "dc", on: 'dc.shop = o.shop AND dc."orderId" = o.id' },
  },
};

/**
 * The insert ceiling `npm run bench -- sync` measures the backfill against: the same rows `upsertOrders` writes,
 * as plain INSERTs (no conflict handling, no staleness check, no metrics), one transaction per call, through the
 * same driver as the backfill's writes (the driver-level writer's: prepared statements on SQLite, column arrays on
 * PostgreSQL), or through Prisma's SQL when the backfill is measured with it.
 */
export async function insertOrderFactsPlain(
  db: Database,
  databaseUrl: string,
  shop: string,
  orders: readonly OrderFacts[],
  writer: FactWriterChoice = "driver",
): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl);
  if (writer === "driver" && target.provider === "sqlite" && target.filename !== ":memory:") {
    sqliteFactWriterFor(target.filename).insertOrdersPlain(shop, [...orders]);
    return;
  }
  if (writer === "driver" && target.provider === "postgresql") {
    await postgresFactWriterFor(target.connectionString, target.schema).insertOrdersPlain(shop, [...orders]);
    return;
  }
  const dialect = dialectFor(databaseUrl);
  const values = (rows: Param[][]) => rows.map((row) => `(${row.map(dialect.literal).join(", ")})`).join(", ");
  const insert = async (x: Executor, table: string, columns: string[], rows: Param[][]) => {
    const names = columns.map((column) => `"${column}"`).join(", ");
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
      await x.$executeRawUnsafe(`INSERT INTO ${dialect.table(table)} (${names}) VALUES ${values(part)}`);
    }
  };
  const children = orderChildRows(shop, orders);
  await db.$transaction(async (x) => {
    const rows = orders.map((order) => orderRow(shop, order, order.customerId));
    await insert(x, "SyncedOrder", ORDER_COLUMNS, rows);
    await insert(x, "SyncedLineItem", LINE_ITEM_COLUMNS, children.lineItems);
    await insert(x, "SyncedLineItemCollection", COLLECTION_COLUMNS, children.collections);
    await insert(x, "SyncedRefund", REFUND_COLUMNS, children.refunds);
    await insert(x, "SyncedOrderDiscountCode", DISCOUNT_CODE_COLUMNS, children.codes);
  }, TRANSACTION);
}

/**
 * Who writes facts: the database driver itself (default; `sqlite-fact-writer.server.ts`,
 * `postgres-fact-writer.server.ts`) or Prisma's SQL, which stays as the reference they are tested against.
 */
export type FactWriterChoice = "driver" | "prisma";

export interface SyncStoreOptions {
  factWriter?: FactWriterChoice;
  /** Customers per step of `recomputeAllMetrics` (a transaction takes one or more steps). */
  recomputeChunk?: number;
  /** The length each transaction of `recomputeAllMetrics` aims at. */
  recomputeTransactionMs?: number;
}

export function prismaSyncStore(db: Database, databaseUrl: string, options: SyncStoreOptions = {}): SyncStore {
  const dialect = dialectFor(databaseUrl);
  const target = parseDatabaseUrl(databaseUrl);
  const recomputeChunk = options.recomputeChunk ?? RECOMPUTE_STEP;
  const recomputeTransactionMs = options.recomputeTransactionMs ?? RECOMPUTE_TRANSACTION_MS;
  // Opened on the first write: a store that only reads metrics needs no second connection.
  const driverWriter =
    options.factWriter === "prisma"
      ? null
      : target.provider === "postgresql"
        ? () => postgresFactWriterFor(target.connectionString, target.schema)
        : target.filename !== ":memory:"
          ? () => sqliteFactWriterFor(target.filename)
          : null;
  const T = dialect.table;

  const L = dialect.literal;
  const list = (values: readonly Param[]) => values.map(L).join(", ");
  const run = (x: Executor, sql: string) => x.$executeRawUnsafe(sql);
  const query = <R>(x: Executor, sql: string) => x.$queryRawUnsafe<R[]>(sql);
  const values = (rows: Param[][]) => rows.map((row) => `(${list(row)})`).join(", ");
  const columnList = (columns: string[]) => columns.map((c) => `"${c}"`).join(", ");

  async function insertRows(x: Executor, table: string, columns: string[], rows: Param[][]) {
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
      await run(x, `INSERT INTO ${T(table)} (${columnList(columns)}) VALUES ${values(part)}`);
    }
  }

  async function insertOrderChildren(x: Executor, shop: string, orders: readonly OrderFacts[]) {
    const rows = orderChildRows(shop, orders);
    await insertRows(x, "SyncedLineItem", LINE_ITEM_COLUMNS, rows.lineItems);
    await insertRows(x, "SyncedLineItemCollection", COLLECTION_COLUMNS, rows.collections);
    await insertRows(x, "SyncedRefund", REFUND_COLUMNS, rows.refunds);
    await insertRows(x, "SyncedOrderDiscountCode", DISCOUNT_CODE_COLUMNS, rows.codes);
  }

  /**
   * Multi-row upsert that keeps the newer snapshot (an equal one replaces it); returns the ids it wrote and,
   * where the database says so, which of them were fresh inserts.
   */
  async function upsertNewer(
    x: Executor,
    table: string,
    columns: string[],
    rows: Param[][],
    extraCondition = "",
  ): Promise<{ written: Set<string>; inserted: Set<string> | null }> {
    const written = new Set<string>();
    const inserted = dialect.insertedColumn === null ? null : new Set<string>();
    const returning = dialect.insertedColumn === null ? `"id"` : `"id", ${dialect.insertedColumn}`;
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
      const sql =
        `INSERT INTO ${T(table)} (${columnList(columns)}) VALUES ${values(part)}` +
        `${newerSnapshotWins(table, columns, extraCondition)} RETURNING ${returning}`;
      for (const row of await query<{ id: string; inserted?: boolean }>(x, sql)) {
        written.add(row.id);
        if (row.inserted === true) inserted?.add(row.id);
      }
    }
    return { written, inserted };
  }

  async function deleteWhereIn(x: Executor, table: string, column: string, shop: string, ids: string[]) {
    for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
      await run(x, `DELETE FROM ${T(table)} WHERE "shop" = ${L(shop)} AND "${column}" IN (${list(part)})`);
    }
  }

  /** Runs `sql` (ending in the column to match) for each chunk of ids. */
  async function selectWhereIn<R>(x: Executor, sql: string, ids: string[]): Promise<R[]> {
    const out: R[] = [];
    for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
      out.push(...(await query<R>(x, `${sql} IN (${list(part)})`)));
    }
    return out;
  }

  async function upsertOrderChunk(x: Executor, shop: string, chunk: OrderFacts[], result: UpsertResult) {
    // A deleted order stays deleted, whatever a late snapshot (or an export begun before) says.
    const deletedOrders = new Set(
      (
        await selectWhereIn<{ id: string }>(
          x,
          `SELECT "id" FROM ${T("DeletedOrder")} WHERE "shop" = ${L(shop)} AND "id"`,
          chunk.map((o) => o.id),
        )
      ).map((r) => r.id),
    );
    const orders = chunk.filter((o) => !deletedOrders.has(o.id));
    result.stale += chunk.length - orders.length;
    const ids = orders.map((o) => o.id);
    const before = await selectWhereIn<{ id: string; customerId: string | null }>(
      x,
      `SELECT "id", "customerId" FROM ${T("SyncedOrder")} WHERE "shop" = ${L(shop)} AND "id"`,
      ids,
    );
    const customerIds = [...new Set(orders.map((o) => o.customerId).filter((id): id is string => id !== null))];
    const deleted = new Set(
      (
        await selectWhereIn<{ id: string }>(
          x,
          `SELECT "id" FROM ${T("SyncedCustomer")} WHERE "shop" = ${L(shop)} AND "deletedAt" IS NOT NULL AND "id"`,
          customerIds,
        )
      ).map((r) => r.id),
    );
    const erased = (order: OrderFacts) => order.customerId !== null && deleted.has(order.customerId);
    const customerOf = (order: OrderFacts) => (erased(order) ? null : order.customerId);

    const { written, inserted } = await upsertNewer(
      x,
      "SyncedOrder",
      ORDER_COLUMNS,
      orders.map((o) => orderRow(shop, o, customerOf(o), erased(o))),
    );
    const writtenOrders = orders.filter((o) => written.has(o.id));
    result.written += writtenOrders.length;
    result.stale += orders.length - writtenOrders.length;
    const affected = new Set(result.affectedCustomerIds);
    for (const order of writtenOrders) {
      const customerId = customerOf(order);
      if (customerId !== null) affected.add(customerId);
    }
    for (const row of before) if (written.has(row.id) && row.customerId !== null) affected.add(row.customerId);
    result.affectedCustomerIds = [...affected];

    // A newer snapshot replaces the order's children wholesale.
    // Only an order that existed has children to replace. PostgreSQL says which rows were updated (a concurrent
    // transaction may have inserted the order after our read); on SQLite writers are serialised, so the read holds.
    const replaced =
      inserted === null
        ? before.map((row) => row.id).filter((id) => written.has(id))
        : [...written].filter((id) => !inserted.has(id));
    for (const table of ORDER_CHILD_TABLES) await deleteWhereIn(x, table, "orderId", shop, replaced);

    await insertOrderChildren(x, shop, writtenOrders);
  }

  /** The customer filter of a metrics statement. */
  function customerFilter(column: string, scope: CustomerScope): string {
    if ("ids" in scope) return ` AND ${column} IN (${list(scope.ids)})`;
    return ` AND ${column} >= ${L(scope.from)}` + (scope.before === null ? "" : ` AND ${column} < ${L(scope.before)}`);
  }

  /**
   * Writes the scope's metrics after clearMetrics. Upserts, not plain inserts: on PostgreSQL two transactions
   * refreshing the same new customer (a webhook's and a backfill's recompute) both find nothing to clear, and the
   * second insert would fail on the key; the later statement's figures win, read from committed facts.
   */
  async function writeMetrics(x: Executor, shop: string, scope: CustomerScope) {
    const orders = customerFilter('o."customerId"', scope);
    const customers = customerFilter("c.id", scope);
    const liveCustomer = `JOIN ${T("SyncedCustomer")} c ON c.shop = o.shop AND c.id = o."customerId" AND c."deletedAt" IS NULL`;
    const netOrders = `o.shop = ${L(shop)} AND NOT o."test" AND o."cancelledAt" IS NULL${orders}`;

    // The customers' orders are read once (each is a random read: orders lie in the order they were synced, not
    // by customer), then counted, and joined to their refunds and discount codes.
    await run(
      x,
      `WITH counted AS MATERIALIZED (
         SELECT o.id, o."customerId" AS cid, o."cancelledAt", o."totalPrice", o."processedAt"
         FROM ${T("SyncedOrder")} o WHERE o.shop = ${L(shop)} AND NOT o."test"${orders}
       )
       INSERT INTO ${T("CustomerMetrics")} ("shop", "customerId", "orderCount", "cancelledOrderCount",
         "netOrderCount", "grossSpend", "refundedAmount", "netSpend", "averageOrderValue", "firstOrderAt",
         "lastOrderAt", "refundCount", "discountCodeUseCount", "distinctDiscountCodeCount", "emailMarketing",
         "smsMarketing", "tags", "countryCode", "provinceCode", "city")
       SELECT c.shop, c.id, COALESCE(a.n, 0), COALESCE(a.cancelled, 0), COALESCE(a.net, 0),
         COALESCE(a.gross, 0), COALESCE(r.amount, 0), COALESCE(a.gross, 0) - COALESCE(r.amount, 0),
         CASE WHEN COALESCE(a.net, 0) = 0 THEN 0 ELSE (COALESCE(a.gross, 0) - COALESCE(r.amount, 0)) / a.net END,
         a.first, a.last, COALESCE(r.n, 0), COALESCE(d.uses, 0), COALESCE(d.codes, 0),
         c."emailMarketing", c."smsMarketing", c.tags, c."countryCode", c."provinceCode", c.city
       FROM ${T("SyncedCustomer")} c
       LEFT JOIN (
         SELECT o.cid, COUNT(*) AS n,
           SUM(CASE WHEN o."cancelledAt" IS NULL THEN 0 ELSE 1 END) AS cancelled,
           SUM(CASE WHEN o."cancelledAt" IS NULL THEN 1 ELSE 0 END) AS net,
           CAST(SUM(CASE WHEN o."cancelledAt" IS NULL THEN o."totalPrice" ELSE 0 END) AS BIGINT) AS gross,
           MIN(o."processedAt") AS first, MAX(o."processedAt") AS last
         FROM counted o GROUP BY o.cid
       ) a ON a.cid = c.id
       LEFT JOIN (
         SELECT o.cid, COUNT(*) AS n, CAST(SUM(rf.amount) AS BIGINT) AS amount
         FROM counted o CROSS JOIN ${T("SyncedRefund")} rf
         WHERE rf.shop = ${L(shop)} AND rf."orderId" = o.id AND o."cancelledAt" IS NULL GROUP BY o.cid
       ) r ON r.cid = c.id
       LEFT JOIN (
         SELECT o.cid, COUNT(*) AS uses, COUNT(DISTINCT dc.code) AS codes
         FROM counted o CROSS JOIN ${T("SyncedOrderDiscountCode")} dc
         WHERE dc.shop = ${L(shop)} AND dc."orderId" = o.id AND o."cancelledAt" IS NULL GROUP BY o.cid
       ) d ON d.cid = c.id
       WHERE c.shop = ${L(shop)} AND c."deletedAt" IS NULL${customers}
       ON CONFLICT ("shop", "customerId") DO UPDATE SET "orderCount" = excluded."orderCount", "cancelledOrderCount" = excluded."cancelledOrderCount", "netOrderCount" = excluded."netOrderCount", "grossSpend" = excluded."grossSpend", "refundedAmount" = excluded."refundedAmount", "netSpend" = excluded."netSpend", "averageOrderValue" = excluded."averageOrderValue", "firstOrderAt" = excluded."firstOrderAt", "lastOrderAt" = excluded."lastOrderAt", "refundCount" = excluded."refundCount", "discountCodeUseCount" = excluded."discountCodeUseCount", "distinctDiscountCodeCount" = excluded."distinctDiscountCodeCount", "emailMarketing" = excluded."emailMarketing", "smsMarketing" = excluded."smsMarketing", "tags" = excluded."tags", "countryCode" = excluded."countryCode", "provinceCode" = excluded."provinceCode", "city" = excluded."city"`,
    );

    // Every kind in one statement: the customers' counted orders and their line items are read once.
    const kinds = PURCHASE_KINDS.map((kind) => {
      const source = PURCHASE_SOURCES[kind];
      const measures =
        source.from === "orders"
          ? `COUNT(DISTINCT o.id), COUNT(*), CAST(SUM(o."totalPrice") AS BIGINT), MIN(o."processedAt"), MAX(o."processedAt")`
          : `COUNT(DISTINCT l."orderId"), SUM(l.quantity), CAST(SUM(l.amount) AS BIGINT), MIN(l."processedAt"), MAX(l."processedAt")`;
      const alias = source.from === "orders" ? "o" : "l";
      const join = source.join ? ` CROSS JOIN ${T(source.join.table)} ${source.join.alias}` : "";
      const on = source.join ? `${source.join.on} AND ` : "";
      return `SELECT ${alias}.shop, ${alias}."customerId", '${kind}', ${source.key}, ${measures}
        FROM ${source.from === "orders" ? "net" : "lines"} ${alias}${join}
        WHERE ${on}${source.present} IS NOT NULL GROUP BY ${alias}.shop, ${alias}."customerId", ${source.key}`;
    });
    await run(
      x,
      `WITH net AS MATERIALIZED (
         SELECT o.shop, o.id, o."customerId", o."processedAt", o."totalPrice", o."countryCode", o."provinceCode",
           o.city, o."sourceName"
         FROM ${T("SyncedOrder")} o ${liveCustomer} WHERE ${netOrders}
       ), lines AS MATERIALIZED (
         SELECT o.shop, o."customerId", o.id AS "orderId", o."processedAt", li.id AS "lineItemId", li."productId",
           li."variantId", li.vendor, li."productType", li.quantity, li.amount
         FROM net o JOIN ${T("SyncedLineItem")} li ON li.shop = o.shop AND li."orderId" = o.id
       )
       INSERT INTO ${T("CustomerPurchase")}
         ("shop", "customerId", "kind", "key", "orderCount", "quantity", "amount", "firstAt", "lastAt")
       ${kinds.join("\n       UNION ALL ")}
       ON CONFLICT ("shop", "customerId", "kind", "key") DO UPDATE SET "orderCount" = excluded."orderCount", "quantity" = excluded."quantity", "amount" = excluded."amount", "firstAt" = excluded."firstAt", "lastAt" = excluded."lastAt"`,
    );
  }

  async function clearMetrics(x: Executor, shop: string, scope: CustomerScope) {
    for (const table of ["CustomerMetrics", "CustomerPurchase"]) {
      await run(x, `DELETE FROM ${T(table)} WHERE "shop" = ${L(shop)}${customerFilter('"customerId"', scope)}`);
    }
  }

  return {
    async upsertOrders(shop, orders) {
      if (driverWriter) return driverWriter().upsertOrders(shop, orders);
      const result: UpsertResult = { written: 0, stale: 0, affectedCustomerIds: [] };
      const newest = newestById(orders);
      result.stale = orders.length - newest.length;
      if (newest.length === 0) return result;
      await db.$transaction(async (tx) => {
        for (const part of chunks(newest, ROWS_PER_STATEMENT)) {
          await upsertOrderChunk(tx, shop, part, result);
        }
      }, TRANSACTION);
      result.affectedCustomerIds.sort();
      return result;
    },

    async upsertCustomers(shop, customers) {
      if (driverWriter) return driverWriter().upsertCustomers(shop, customers);
      const result: UpsertResult = { written: 0, stale: 0, affectedCustomerIds: [] };
      const newest = newestById(customers);
      result.stale = customers.length - newest.length;
      if (newest.length === 0) return result;
      await db.$transaction(async (tx) => {
        for (const part of chunks(newest, ROWS_PER_STATEMENT)) {
          const { written } = await upsertNewer(
            tx,
            "SyncedCustomer",
            CUSTOMER_COLUMNS,
            part.map((c) => customerRow(shop, c)),
            ` AND "SyncedCustomer"."deletedAt" IS NULL`,
          );
          const writtenCustomers = part.filter((c) => written.has(c.id));
          result.written += writtenCustomers.length;
          result.stale += part.length - writtenCustomers.length;
          result.affectedCustomerIds.push(...writtenCustomers.map((c) => c.id));
          await deleteWhereIn(tx, "CustomerTag", "customerId", shop, [...written]);
          await insertRows(
            tx,
            "CustomerTag",
            TAG_COLUMNS,
            writtenCustomers.flatMap((c) => normaliseTags(c.tags).map((tag) => [shop, c.id, tag])),
          );
        }
      }, TRANSACTION);
      result.affectedCustomerIds.sort();
      return result;
    },

    async deleteCustomer(shop, customerId) {
      const now = timestamp(new Date().toISOString());
      await db.$transaction(async (tx) => {
        await run(
          tx,
          `INSERT INTO ${T("SyncedCustomer")} ("shop", "id", "createdAt", "updatedAt", "deletedAt") VALUES (${list([shop, customerId, now, now, now])})
           ON CONFLICT ("shop", "id") DO UPDATE SET "deletedAt" = excluded."deletedAt", "state" = NULL, "tags" = '[]',
             "emailMarketing" = NULL, "smsMarketing" = NULL, "countryCode" = NULL, "provinceCode" = NULL, "city" = NULL
           WHERE "SyncedCustomer"."deletedAt" IS NULL`,
        );
        for (const table of ["CustomerTag", "CustomerMetrics", "CustomerPurchase"]) {
          await run(tx, `DELETE FROM ${T(table)} WHERE "shop" = ${L(shop)} AND "customerId" = ${L(customerId)}`);
        }
        await run(
          tx,
          `UPDATE ${T("SyncedOrder")} SET "customerId" = NULL WHERE "shop" = ${L(shop)} AND "customerId" = ${L(customerId)}`,
        );
      }, TRANSACTION);
    },

    async refreshMetrics(shop, customerIds) {
      for (const part of chunks([...new Set(customerIds)], METRICS_CHUNK)) {
        await db.$transaction(async (tx) => {
          await clearMetrics(tx, shop, { ids: part });
          await writeMetrics(tx, shop, { ids: part });
        }, TRANSACTION);
      }
    },

    async recomputeAllMetrics(shop) {
      // After a backfill the planners' statistics are stale or missing: without them SQLite scans every
      // collection row of the shop for each customer and PostgreSQL nests loops over every row.
      for (const statement of dialect.analyze(FACT_TABLES)) await run(db, statement);
      // Ranges of customers, one short transaction each: a whole-shop transaction would hold SQLite's write lock
      // for seconds and stall webhook acknowledgement; metrics are never empty in between, unlike clear-then-fill.
      // A range (not an id list) lets each statement walk the customer index once. Each transaction takes as many
      // steps of customers as keep it near RECOMPUTE_TRANSACTION_MS, whatever the customers' order counts.
      // Only where each step starts, not every id: a large shop has hundreds of thousands.
      const starts = (
        await query<{ id: string }>(
          db,
          `SELECT id FROM (
             SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS position FROM ${T("SyncedCustomer")} WHERE shop = ${L(shop)}
           ) numbered WHERE position % ${recomputeChunk} = 0 ORDER BY id`,
        )
      ).map((row) => row.id);
      // The first range starts below every id, so metrics of customers no longer synced at all (whatever their
      // id) are cleared by the range they fall in, in the same short transactions.
      starts[0] = "";
      let steps = 1;
      for (let index = 0; index < starts.length;) {
        const scope = { from: starts[index]!, before: starts[index + steps] ?? null };
        const started = performance.now();
        await db.$transaction(async (tx) => {
          await clearMetrics(tx, shop, scope);
          await writeMetrics(tx, shop, scope);
        }, TRANSACTION);
        index += steps;
        steps = nextStepCount(steps, performance.now() - started, recomputeTransactionMs, RECOMPUTE_MAX_STEPS);
      }
    },

    async customerMetrics(shop, customerIds) {
      const ids = customerIds === undefined ? null : [...new Set(customerIds)];
      const metrics = [];
      const purchases = [];
      for (const part of ids === null ? [null] : chunks(ids, 1000)) {
        const where = part === null ? { shop } : { shop, customerId: { in: part } };
        metrics.push(...(await db.customerMetrics.findMany({ where })));
        purchases.push(...(await db.customerPurchase.findMany({ where })));
      }
      const byCustomer = new Map<string, CustomerMetricsFacts["purchases"]>();
      for (const p of purchases) {
        const list = byCustomer.get(p.customerId) ?? [];
        list.push({
          kind: p.kind as PurchaseKind,
          key: p.key,
          orderCount: p.orderCount,
          quantity: p.quantity,
          amount: formatMoney(p.amount),
          firstAt: p.firstAt.toISOString(),
          lastAt: p.lastAt.toISOString(),
        });
        byCustomer.set(p.customerId, list);
      }
      return metrics
        .map((m) => ({
          customerId: m.customerId,
          orderCount: m.orderCount,
          cancelledOrderCount: m.cancelledOrderCount,
          netOrderCount: m.netOrderCount,
          grossSpend: formatMoney(m.grossSpend),
          refundedAmount: formatMoney(m.refundedAmount),
          netSpend: formatMoney(m.netSpend),
          averageOrderValue: formatMoney(m.averageOrderValue),
          firstOrderAt: asDate(m.firstOrderAt),
          lastOrderAt: asDate(m.lastOrderAt),
          refundCount: m.refundCount,
          discountCodeUseCount: m.discountCodeUseCount,
          distinctDiscountCodeCount: m.distinctDiscountCodeCount,
          emailMarketing: m.emailMarketing as MarketingState | null,
          smsMarketing: m.smsMarketing as MarketingState | null,
          tags: JSON.parse(m.tags) as string[],
          countryCode: m.countryCode,
          provinceCode: m.provinceCode,
          city: m.city,
          purchases: sortPurchases(byCustomer.get(m.customerId) ?? []),
        }))
        .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    },
  };
}
