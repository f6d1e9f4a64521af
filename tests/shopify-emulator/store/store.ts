import { EventEmitter } from "node:events";
import Database from "better-sqlite3";
import type { CollectionRecord, CustomerRecord, OrderRecord, ProductRecord, ShopPlan, ShopRecord } from "./types.js";
import { addMoney, subtractMoney } from "./money.js";

/**
 * Topics the store announces when its data changes. The webhook dispatcher turns them into deliveries; the
 * demo generator writes with `silent` so a seeded store does not fire a million webhooks.
 */
export type StoreTopic =
  | "orders/create"
  | "orders/updated"
  | "orders/paid"
  | "orders/cancelled"
  | "orders/delete"
  | "refunds/create"
  | "customers/create"
  | "customers/update"
  | "customers/delete"
  | "products/create"
  | "products/update"
  | "app/uninstalled"
  | "app/scopes_update";

export interface StoreChange {
  shopId: number;
  topic: StoreTopic;
  /** The resource id for resource topics; for app topics the client id. */
  resourceId: number | string;
  /** The resource as it was written (deleted customers and app topics carry what the payload needs). */
  snapshot?: unknown;
  occurredAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shops (
  id INTEGER PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  email TEXT,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE INDEX IF NOT EXISTS customers_updated ON customers (shop_id, updated_at, id);
CREATE INDEX IF NOT EXISTS customers_created ON customers (shop_id, created_at, id);
CREATE TABLE IF NOT EXISTS orders (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  customer_id INTEGER,
  number INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE INDEX IF NOT EXISTS orders_updated ON orders (shop_id, updated_at, id);
CREATE INDEX IF NOT EXISTS orders_created ON orders (shop_id, created_at, id);
CREATE INDEX IF NOT EXISTS orders_processed ON orders (shop_id, processed_at, id);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (shop_id, customer_id);
CREATE TABLE IF NOT EXISTS products (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE TABLE IF NOT EXISTS collections (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE TABLE IF NOT EXISTS segments (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE TABLE IF NOT EXISTS discounts (
  shop_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  code TEXT,
  data TEXT NOT NULL,
  PRIMARY KEY (shop_id, id)
);
CREATE TABLE IF NOT EXISTS installations (
  shop_id INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  installed_at TEXT NOT NULL,
  uninstalled_at TEXT,
  PRIMARY KEY (shop_id, client_id)
);
CREATE TABLE IF NOT EXISTS access_tokens (
  token TEXT PRIMARY KEY,
  shop_id INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token TEXT PRIMARY KEY,
  shop_id INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);
`;

export interface StoreOptions {
  /** A file path, or `:memory:` (the default) for tests. */
  filename?: string;
  /** Where ids start; ids are global across shops, as on Shopify. */
  firstId?: number;
  /** Clock, so tests can move time. */
  now?: () => Date;
}

export type Table = "customers" | "orders" | "products" | "collections";

/**
 * The local Shopify's data, in SQLite so a million-order store fits in flat memory. All writes go through here so
 * every change is announced on `changes` exactly once.
 */
export class EmulatorStore {
  readonly db: Database.Database;
  readonly changes = new EventEmitter();
  readonly now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.db = new Database(options.filename ?? ":memory:");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = OFF");
    this.db.exec(SCHEMA);
    this.now = options.now ?? (() => new Date());
    this.prepare("INSERT OR IGNORE INTO sequences (name, value) VALUES ('id', ?)").run(
      options.firstId ?? 7_000_000_000,
    );
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text: a million-row seed would otherwise spend seconds compiling the same statements. */
  prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  /** Reserves `count` consecutive ids and returns the first. */
  nextId(count = 1): number {
    const row = this.prepare("UPDATE sequences SET value = value + ? WHERE name = 'id' RETURNING value").get(count) as {
      value: number;
    };
    return row.value - count + 1;
  }

  emit(change: Omit<StoreChange, "occurredAt">): void {
    this.changes.emit("change", { ...change, occurredAt: this.nowIso() } satisfies StoreChange);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  reset(): void {
    for (const table of [
      "shops",
      "customers",
      "orders",
      "products",
      "collections",
      "segments",
      "discounts",
      "installations",
      "access_tokens",
      "refresh_tokens",
    ]) {
      this.db.exec(`DELETE FROM ${table}`);
    }
  }

  close(): void {
    this.db.close();
  }

  // ---- shops -------------------------------------------------------------------------------------------------

  createShop(input: Partial<ShopRecord> & { domain: string }): ShopRecord {
    const handle = input.domain.replace(/\.myshopify\.com$/, "");
    const shop: ShopRecord = {
      id: input.id ?? this.nextId(),
      domain: input.domain.endsWith(".myshopify.com") ? input.domain : `${input.domain}.myshopify.com`,
      name: input.name ?? handle,
      email: input.email ?? `owner@${handle}.example`,
      currencyCode: input.currencyCode ?? "USD",
      plan: input.plan ?? "BASIC",
      ianaTimezone: input.ianaTimezone ?? "America/New_York",
      countryCode: input.countryCode ?? "US",
      createdAt: input.createdAt ?? this.nowIso(),
    };
    this.prepare("INSERT INTO shops (id, domain, data) VALUES (?, ?, ?)").run(
      shop.id,
      shop.domain,
      JSON.stringify(shop),
    );
    return shop;
  }

  getShopByDomain(domain: string): ShopRecord | null {
    const row = this.prepare("SELECT data FROM shops WHERE domain = ?").get(domain) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ShopRecord) : null;
  }

  getShop(id: number): ShopRecord | null {
    const row = this.prepare("SELECT data FROM shops WHERE id = ?").get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ShopRecord) : null;
  }

  listShops(): ShopRecord[] {
    return (this.prepare("SELECT data FROM shops ORDER BY id").all() as { data: string }[]).map(
      (row) => JSON.parse(row.data) as ShopRecord,
    );
  }

  setShopPlan(shopId: number, plan: ShopPlan): ShopRecord {
    const shop = this.requireShop(shopId);
    const updated = { ...shop, plan };
    this.prepare("UPDATE shops SET data = ? WHERE id = ?").run(JSON.stringify(updated), shopId);
    return updated;
  }

  updateShop(shopId: number, changes: Partial<Omit<ShopRecord, "id" | "domain">>): ShopRecord {
    const updated = { ...this.requireShop(shopId), ...changes };
    this.prepare("UPDATE shops SET data = ? WHERE id = ?").run(JSON.stringify(updated), shopId);
    return updated;
  }

  requireShop(shopId: number): ShopRecord {
    const shop = this.getShop(shopId);
    if (!shop) throw new Error(`No shop with id ${shopId}`);
    return shop;
  }

  // ---- generic records ---------------------------------------------------------------------------------------

  getRecord<T>(table: Table, shopId: number, id: number): T | null {
    const row = this.prepare(`SELECT data FROM ${table} WHERE shop_id = ? AND id = ?`).get(shopId, id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : null;
  }

  count(table: Table, shopId: number): number {
    return (this.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = ?`).get(shopId) as { n: number }).n;
  }

  // ---- customers ---------------------------------------------------------------------------------------------

  getCustomer(shopId: number, id: number): CustomerRecord | null {
    return this.getRecord<CustomerRecord>("customers", shopId, id);
  }

  putCustomer(shopId: number, customer: CustomerRecord, options: { silent?: boolean } = {}): CustomerRecord {
    const existed = this.getCustomer(shopId, customer.id) !== null;
    this.writeCustomerRow(shopId, customer);
    if (!options.silent) {
      this.emit({
        shopId,
        topic: existed ? "customers/update" : "customers/create",
        resourceId: customer.id,
      });
    }
    return customer;
  }

  writeCustomerRow(shopId: number, customer: CustomerRecord): void {
    this.prepare(
      `INSERT INTO customers (shop_id, id, created_at, updated_at, email, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (shop_id, id) DO UPDATE SET updated_at = excluded.updated_at, email = excluded.email,
           data = excluded.data`,
    ).run(shopId, customer.id, customer.createdAt, customer.updatedAt, customer.email, JSON.stringify(customer));
  }

  deleteCustomer(shopId: number, id: number, options: { silent?: boolean } = {}): boolean {
    const customer = this.getCustomer(shopId, id);
    if (!customer) return false;
    this.prepare("DELETE FROM customers WHERE shop_id = ? AND id = ?").run(shopId, id);
    if (!options.silent) this.emit({ shopId, topic: "customers/delete", resourceId: id, snapshot: customer });
    return true;
  }

  /** Recomputes `amountSpent` and `numberOfOrders` from the customer's orders, as Shopify maintains them. */
  refreshCustomerStats(shopId: number, customerId: number): CustomerRecord | null {
    const customer = this.getCustomer(shopId, customerId);
    if (!customer) return null;
    const rows = this.prepare("SELECT data FROM orders WHERE shop_id = ? AND customer_id = ?").all(
      shopId,
      customerId,
    ) as { data: string }[];
    let spent = "0.00";
    let count = 0;
    for (const row of rows) {
      const order = JSON.parse(row.data) as OrderRecord;
      if (order.test) continue;
      count += 1;
      if (order.cancelledAt) continue;
      spent = addMoney(spent, order.totalPrice.shop);
      for (const refund of order.refunds) spent = subtractMoney(spent, refund.totalRefunded.shop);
    }
    const updated = { ...customer, amountSpent: spent, numberOfOrders: count };
    this.writeCustomerRow(shopId, updated);
    return updated;
  }

  // ---- orders ------------------------------------------------------------------------------------------------

  getOrder(shopId: number, id: number): OrderRecord | null {
    return this.getRecord<OrderRecord>("orders", shopId, id);
  }

  writeOrderRow(shopId: number, order: OrderRecord): void {
    this.prepare(
      `INSERT INTO orders (shop_id, id, customer_id, number, created_at, updated_at, processed_at, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (shop_id, id) DO UPDATE SET customer_id = excluded.customer_id,
           updated_at = excluded.updated_at, processed_at = excluded.processed_at, data = excluded.data`,
    ).run(
      shopId,
      order.id,
      order.customerId,
      order.number,
      order.createdAt,
      order.updatedAt,
      order.processedAt,
      JSON.stringify(order),
    );
  }

  /**
   * Writes an order and announces it. `topics` lets the caller say what happened (paid, cancelled, refunded);
   * a new order always announces `orders/create`, an existing one `orders/updated` as well.
   */
  putOrder(shopId: number, order: OrderRecord, options: { silent?: boolean; topics?: StoreTopic[] } = {}): OrderRecord {
    const existed = this.getOrder(shopId, order.id) !== null;
    this.writeOrderRow(shopId, order);
    if (order.customerId !== null) this.refreshCustomerStats(shopId, order.customerId);
    if (!options.silent) {
      const topics = new Set<StoreTopic>(options.topics ?? []);
      topics.add(existed ? "orders/updated" : "orders/create");
      for (const topic of topics) this.emit({ shopId, topic, resourceId: order.id });
    }
    return order;
  }

  /** Deletes an order (as the Admin API's orderDelete does) and announces `orders/delete`. */
  deleteOrder(shopId: number, id: number, options: { silent?: boolean } = {}): boolean {
    const order = this.getOrder(shopId, id);
    if (!order) return false;
    this.prepare("DELETE FROM orders WHERE shop_id = ? AND id = ?").run(shopId, id);
    if (order.customerId !== null) this.refreshCustomerStats(shopId, order.customerId);
    if (!options.silent) this.emit({ shopId, topic: "orders/delete", resourceId: id, snapshot: order });
    return true;
  }

  nextOrderNumber(shopId: number): number {
    const row = this.prepare("SELECT MAX(number) AS n FROM orders WHERE shop_id = ?").get(shopId) as {
      n: number | null;
    };
    return (row.n ?? 1000) + 1;
  }

  // ---- catalogue ---------------------------------------------------------------------------------------------

  putProduct(shopId: number, product: ProductRecord, options: { silent?: boolean } = {}): ProductRecord {
    const existed = this.getRecord("products", shopId, product.id) !== null;
    this.prepare(
      `INSERT INTO products (shop_id, id, updated_at, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (shop_id, id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data`,
    ).run(shopId, product.id, product.updatedAt, JSON.stringify(product));
    if (!options.silent) {
      this.emit({ shopId, topic: existed ? "products/update" : "products/create", resourceId: product.id });
    }
    return product;
  }

  putCollection(shopId: number, collection: CollectionRecord): CollectionRecord {
    this.prepare(
      `INSERT INTO collections (shop_id, id, updated_at, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (shop_id, id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data`,
    ).run(shopId, collection.id, collection.updatedAt, JSON.stringify(collection));
    return collection;
  }

  /** Collections that hold a product (custom collections: by membership). */
  collectionsOfProduct(shopId: number, productId: number): CollectionRecord[] {
    return (
      this.db
        .prepare(
          `SELECT data FROM collections WHERE shop_id = ? AND EXISTS
             (SELECT 1 FROM json_each(json_extract(data, '$.productIds')) WHERE value = ?) ORDER BY id`,
        )
        .all(shopId, productId) as { data: string }[]
    ).map((row) => JSON.parse(row.data) as CollectionRecord);
  }
}
