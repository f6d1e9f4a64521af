import { normaliseTags } from "../../domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../domain/sync/sync-records.js";
import type { UpsertResult } from "../../services/sync/ports.js";
import { openSqliteConnection, retryWhileBusy, WAL_AUTOCHECKPOINT_PAGES } from "../sqlite-connection.server.js";
import {
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
  type Param,
} from "./fact-rows.js";

/**
 * The fact writes of the SQLite SyncStore through better-sqlite3 itself: prepared statements run row by row in
 * one synchronous transaction per batch. SQLite parses each statement once instead of once per batch, and no SQL
 * text is built, which is what a million-order backfill spends most of its time on through Prisma. Same rows, same
 * rules as the Prisma writer (`prismaSyncStore`), which the tests compare it with on random event sequences.
 *
 * The connection is its own, beside Prisma's. Its transactions never wait for the event loop, so when the other
 * connection holds the write lock it answers SQLITE_BUSY at once (busy_timeout 0) and the batch is retried on the
 * event loop; a synchronous wait here would freeze the very process that has to release the lock.
 */
export interface FactWriter {
  upsertOrders(shop: string, orders: OrderFacts[]): Promise<UpsertResult>;
  upsertCustomers(shop: string, customers: CustomerFacts[]): Promise<UpsertResult>;
  /** Plain INSERTs of the same rows, no conflict handling: the benchmark's insert ceiling. */
  insertOrdersPlain(shop: string, orders: OrderFacts[]): void;
  close(): void;
}

/** How long a batch may keep finding the database locked before the write fails. */
const BUSY_BUDGET_MS = 60_000;
const BUSY_POLLS_MS = [1, 2, 4, 8, 16, 32, 64, 100];

/** better-sqlite3 binds numbers, bigints, text and null; booleans are stored as Prisma stores them, 1 and 0. */
function bindable(row: Param[]): (string | number | bigint | null)[] {
  return row.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
}

function insertSql(table: string, columns: string[]): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** Multi-row upsert that keeps the newer snapshot (an equal one replaces it); returns a row when it wrote. */
function upsertNewerSql(table: string, columns: string[], extraCondition = ""): string {
  return `${insertSql(table, columns)}${newerSnapshotWins(table, columns, extraCondition)} RETURNING "id"`;
}

const writers = new Map<string, FactWriter>();

/** One writer (one connection) per database file and process. */
export function sqliteFactWriterFor(filename: string): FactWriter {
  let writer = writers.get(filename);
  if (!writer) {
    writer = sqliteFactWriter(filename);
    writers.set(filename, writer);
  }
  return writer;
}

export function sqliteFactWriter(filename: string): FactWriter {
  const db = openSqliteConnection(filename, { walAutocheckpoint: WAL_AUTOCHECKPOINT_PAGES });

  const orderBefore = db.prepare<[string, string], { customerId: string | null }>(
    `SELECT "customerId" FROM "SyncedOrder" WHERE "shop" = ? AND "id" = ?`,
  );
  const customerDeleted = db.prepare<[string, string], { one: number }>(
    `SELECT 1 AS one FROM "SyncedCustomer" WHERE "shop" = ? AND "id" = ? AND "deletedAt" IS NOT NULL`,
  );
  const orderDeleted = db.prepare<[string, string], { one: number }>(
    `SELECT 1 AS one FROM "DeletedOrder" WHERE "shop" = ? AND "id" = ?`,
  );
  const upsertOrder = db.prepare(upsertNewerSql("SyncedOrder", ORDER_COLUMNS));
  const deleteChildren = ORDER_CHILD_TABLES.map((table) =>
    db.prepare(`DELETE FROM "${table}" WHERE "shop" = ? AND "orderId" = ?`),
  );
  const insertLineItem = db.prepare(insertSql("SyncedLineItem", LINE_ITEM_COLUMNS));
  const insertCollection = db.prepare(insertSql("SyncedLineItemCollection", COLLECTION_COLUMNS));
  const insertRefund = db.prepare(insertSql("SyncedRefund", REFUND_COLUMNS));
  const insertCode = db.prepare(insertSql("SyncedOrderDiscountCode", DISCOUNT_CODE_COLUMNS));
  const insertOrder = db.prepare(insertSql("SyncedOrder", ORDER_COLUMNS));
  const upsertCustomer = db.prepare(
    upsertNewerSql("SyncedCustomer", CUSTOMER_COLUMNS, ` AND "SyncedCustomer"."deletedAt" IS NULL`),
  );
  const deleteTags = db.prepare(`DELETE FROM "CustomerTag" WHERE "shop" = ? AND "customerId" = ?`);
  const insertTag = db.prepare(insertSql("CustomerTag", TAG_COLUMNS));

  function insertChildren(shop: string, orders: readonly OrderFacts[]) {
    const rows = orderChildRows(shop, orders);
    for (const row of rows.lineItems) insertLineItem.run(bindable(row));
    for (const row of rows.collections) insertCollection.run(bindable(row));
    for (const row of rows.refunds) insertRefund.run(bindable(row));
    for (const row of rows.codes) insertCode.run(bindable(row));
  }

  const writeOrders = db.transaction((shop: string, orders: OrderFacts[]): UpsertResult => {
    const newest = newestById(orders);
    const affected = new Set<string>();
    const deleted = new Map<string, boolean>();
    const erased = (order: OrderFacts) => {
      if (order.customerId === null) return false;
      let known = deleted.get(order.customerId);
      if (known === undefined) {
        known = customerDeleted.get(shop, order.customerId) !== undefined;
        deleted.set(order.customerId, known);
      }
      return known;
    };
    const written: OrderFacts[] = [];
    for (const order of newest) {
      // A deleted order stays deleted, whatever a late snapshot (or an export begun before) says.
      if (orderDeleted.get(shop, order.id) !== undefined) continue;
      const before = orderBefore.get(shop, order.id);
      const gone = erased(order);
      const customerId = gone ? null : order.customerId;
      const row = bindable(orderRow(shop, order, customerId, gone));
      // A new order (every order of a first backfill) is a plain insert: inside this IMMEDIATE transaction no
      // other writer can have stored it since the lookup, so the upsert's conflict handling and RETURNING are spared.
      if (before) {
        if (upsertOrder.get(row) === undefined) continue;
      } else {
        insertOrder.run(row);
      }
      written.push(order);
      if (customerId !== null) affected.add(customerId);
      if (before) {
        if (before.customerId !== null) affected.add(before.customerId);
        // A newer snapshot replaces the order's children wholesale.
        for (const statement of deleteChildren) statement.run(shop, order.id);
      }
    }
    insertChildren(shop, written);
    return {
      written: written.length,
      stale: orders.length - written.length,
      affectedCustomerIds: [...affected].sort(),
    };
  });

  const writeCustomers = db.transaction((shop: string, customers: CustomerFacts[]): UpsertResult => {
    const newest = newestById(customers);
    const written: string[] = [];
    for (const customer of newest) {
      if (upsertCustomer.get(bindable(customerRow(shop, customer))) === undefined) continue;
      written.push(customer.id);
      deleteTags.run(shop, customer.id);
      for (const tag of normaliseTags(customer.tags)) insertTag.run(shop, customer.id, tag);
    }
    return { written: written.length, stale: customers.length - written.length, affectedCustomerIds: written.sort() };
  });

  const insertPlain = db.transaction((shop: string, orders: OrderFacts[]) => {
    for (const order of orders) insertOrder.run(bindable(orderRow(shop, order, order.customerId)));
    insertChildren(shop, orders);
  });

  return {
    upsertOrders: (shop, orders) =>
      retryWhileBusy(() => writeOrders.immediate(shop, orders), BUSY_BUDGET_MS, BUSY_POLLS_MS),
    upsertCustomers: (shop, customers) =>
      retryWhileBusy(() => writeCustomers.immediate(shop, customers), BUSY_BUDGET_MS, BUSY_POLLS_MS),
    insertOrdersPlain: (shop, orders) => insertPlain.immediate(shop, orders),
    close: () => db.close(),
  };
}
