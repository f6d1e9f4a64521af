import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { insertOrderFactsPlain, prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import { bigId, orderSnapshot, randomSource } from "./sync-store-fixtures.js";

const SHOP = "ceiling.myshopify.com";
const created: TestDatabase[] = [];
const open: Database[] = [];
afterAll(async () => {
  for (const db of open) await db.$disconnect();
  for (const database of created) await database.drop();
});

async function database(provider: "sqlite" | "postgresql") {
  const fresh = await freshDatabase(provider);
  created.push(fresh);
  await applyMigrations(fresh.url);
  const db = createDatabase(fresh.url);
  open.push(db);
  return { db, url: fresh.url };
}

async function rows(db: Database) {
  const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  return json({
    orders: await db.syncedOrder.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } }),
    lineItems: await db.syncedLineItem.findMany({
      where: { shop: SHOP },
      orderBy: [{ orderId: "asc" }, { id: "asc" }],
    }),
    collections: await db.syncedLineItemCollection.findMany({
      where: { shop: SHOP },
      orderBy: [{ orderId: "asc" }, { lineItemId: "asc" }, { collectionId: "asc" }],
    }),
    refunds: await db.syncedRefund.findMany({ where: { shop: SHOP }, orderBy: [{ orderId: "asc" }, { id: "asc" }] }),
    codes: await db.syncedOrderDiscountCode.findMany({
      where: { shop: SHOP },
      orderBy: [{ orderId: "asc" }, { code: "asc" }],
    }),
  });
}

describe.each(await providers())("the benchmark's insert ceiling on %s", (provider) => {
  it("given random orders, when written by the plain insert and by the upsert, then the stored rows are identical", async () => {
    const random = randomSource(11);
    const orders = Array.from({ length: 300 }, (_, i) =>
      orderSnapshot(random, bigId(5, i), bigId(7, random.int(60)), 1_000 + i),
    );
    const plain = await database(provider);
    await insertOrderFactsPlain(plain.db, plain.url, SHOP, orders);
    const upserted = await database(provider);
    await prismaSyncStore(upserted.db, upserted.url).upsertOrders(SHOP, orders);
    expect(await rows(plain.db)).toBe(await rows(upserted.db));
  });
});
