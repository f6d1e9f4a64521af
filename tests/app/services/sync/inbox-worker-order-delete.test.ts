import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { prismaOrderDeletion } from "../../../../app/db/sync/order-deletion.server.js";
import { prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { mapDeletedOrderId } from "../../../../app/services/sync/webhook-mapping.js";
import { payloadForChange } from "../../../shopify-emulator/webhooks/payloads.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import { emulatorReader, emulatorWithInbox, MemoryInbox, MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "order-delete.myshopify.com";

type Harness = Awaited<ReturnType<typeof emulatorWithInbox>>;

describe("orders/delete mapping", () => {
  it("given Shopify's orders/delete body, when mapped, then the order id comes out as a decimal string", () => {
    expect(mapDeletedOrderId({ id: 450789469 })).toBe("450789469");
    expect(mapDeletedOrderId({ id: "gid://shopify/Order/42" })).toBe("42");
  });

  it("given a body without an id, when mapped, then it is rejected as unmappable", () => {
    expect(() => mapDeletedOrderId({})).toThrow(/lacks an id/);
  });
});

describe("the inbox worker and orders/delete against the local Shopify", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function customerWithTwoOrders(h: Harness) {
    const customer = await h.control.createCustomer(SHOP, { email: "kept@example.com" });
    const kept = await h.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Kept", price: "10.00", quantity: 1 }],
      financialStatus: "PAID",
    });
    const doomed = await h.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Doomed", price: "25.00", quantity: 2 }],
      financialStatus: "PAID",
    });
    await h.emulator.webhooks.idle();
    return { customer, kept, doomed };
  }

  it("given a customer's two synced orders, when one is deleted in Shopify, then orders/delete removes it and the customer's metrics count only the other", async () => {
    harness = await emulatorWithInbox(SHOP);
    const { customer, kept, doomed } = await customerWithTwoOrders(harness);
    const store = new MemorySyncStore();
    const worker = new InboxWorker({
      inbox: harness.inbox,
      store,
      orderDeletions: store,
      reader: emulatorReader(harness.emulator, harness.accessToken),
      workerId: "w",
    });
    await worker.drain();
    expect(store.metrics.get(SHOP)?.get(String(customer.id))).toMatchObject({ orderCount: 2, netSpend: "60.00" });

    await harness.control.deleteOrder(SHOP, doomed.id);
    await harness.emulator.webhooks.idle();
    const result = await worker.drain();

    expect(harness.inbox.rows.filter((row) => row.topic === "orders/delete")).toHaveLength(1);
    expect(result).toMatchObject({ failed: 0, rejected: 0 });
    expect([...store.orders.get(SHOP)!.keys()]).toEqual([String(kept.id)]);
    expect(store.metrics.get(SHOP)?.get(String(customer.id))).toMatchObject({ orderCount: 1, netSpend: "10.00" });
  });

  it("given orders/delete applied first, when an older orders/updated of that order arrives late, then the order stays deleted", async () => {
    harness = await emulatorWithInbox(SHOP);
    const { customer, doomed } = await customerWithTwoOrders(harness);
    const shopRecord = harness.emulator.store.getShopByDomain(SHOP)!;
    const lateSnapshot = payloadForChange(
      harness.emulator.store,
      shopRecord,
      "orders/updated",
      doomed.id,
      null,
      "2026-10",
    );
    const store = new MemorySyncStore();
    const worker = new InboxWorker({
      inbox: harness.inbox,
      store,
      orderDeletions: store,
      reader: emulatorReader(harness.emulator, harness.accessToken),
      workerId: "w",
    });
    await worker.drain();
    await harness.control.deleteOrder(SHOP, doomed.id);
    await harness.emulator.webhooks.idle();
    await worker.drain();

    harness.inbox.insertIfNew(SHOP, "orders/updated", "late", JSON.stringify(lateSnapshot));
    const result = await worker.drain();

    expect(result).toMatchObject({ applied: 1, failed: 0 });
    expect(store.orders.get(SHOP)!.has(String(doomed.id))).toBe(false);
    expect(store.metrics.get(SHOP)?.get(String(customer.id))?.orderCount).toBe(1);
  });

  it("given an order's update and its delete in one batch, when the worker runs, then the order is never stored", async () => {
    const inbox = new MemoryInbox();
    const store = new MemorySyncStore();
    const body = {
      id: 77,
      created_at: "2026-03-01T10:00:00Z",
      updated_at: "2026-03-01T10:05:00Z",
      currency: "USD",
      total_price: "10.00",
      customer: { id: 5 },
      line_items: [],
    };
    inbox.insertIfNew(SHOP, "orders/delete", "d", JSON.stringify({ id: 77 }));
    inbox.insertIfNew(SHOP, "orders/updated", "u", JSON.stringify(body));

    const result = await new InboxWorker({ inbox, store, orderDeletions: store, workerId: "w" }).drain();

    expect(result).toMatchObject({ applied: 2, failed: 0 });
    expect(store.orders.get(SHOP)?.has("77") ?? false).toBe(false);
  });

  it("given no order deletion store, when orders/delete is claimed, then it fails and stays in the inbox", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "orders/delete", "d", JSON.stringify({ id: 77 }));

    const result = await new InboxWorker({ inbox, store: new MemorySyncStore(), workerId: "w" }).runPass();

    expect(result).toMatchObject({ failed: 1, applied: 0 });
    expect(inbox.unprocessed()).toHaveLength(1);
  });
});

// ---- on the real databases -------------------------------------------------------------------------------------

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

function customer(id: string): CustomerFacts {
  return {
    id,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-02T00:00:00Z",
    state: "ENABLED",
    tags: ["vip"],
    emailMarketing: "SUBSCRIBED",
    smsMarketing: null,
    countryCode: "FR",
    provinceCode: null,
    city: "Lyon",
  };
}

function order(id: string, customerId: string | null, totalPrice: string): OrderFacts {
  return {
    id,
    customerId,
    createdAt: "2026-02-01T00:00:00Z",
    processedAt: "2026-02-01T00:00:00Z",
    updatedAt: "2026-02-01T00:05:00Z",
    cancelledAt: null,
    test: false,
    currency: "EUR",
    presentmentCurrency: "EUR",
    totalPrice,
    subtotalPrice: totalPrice,
    totalDiscounts: "0.00",
    discountCodes: ["WELCOME"],
    sourceName: "web",
    financialStatus: "PAID",
    countryCode: "FR",
    provinceCode: null,
    city: "Lyon",
    lineItems: [
      {
        id: `${id}1`,
        productId: "9",
        variantId: "10",
        title: "Mug",
        vendor: "Acme",
        productType: "Kitchen",
        collectionIds: ["3"],
        quantity: 1,
        amount: totalPrice,
      },
    ],
    refunds: [{ id: `${id}2`, createdAt: "2026-02-02T00:00:00Z", amount: "1.00" }],
  };
}

describe.each(await providers())("orders/delete on %s", (provider) => {
  async function database() {
    const fresh = await freshDatabase(provider);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    opened.push({ database: fresh, db });
    return { db, store: prismaSyncStore(db, fresh.url), orderDeletions: prismaOrderDeletion(db) };
  }

  async function rowsOf(db: Database, shop: string, orderId: string) {
    const where = { shop, orderId };
    return {
      order: await db.syncedOrder.count({ where: { shop, id: orderId } }),
      lineItems: await db.syncedLineItem.count({ where }),
      collections: await db.syncedLineItemCollection.count({ where }),
      refunds: await db.syncedRefund.count({ where }),
      discountCodes: await db.syncedOrderDiscountCode.count({ where }),
    };
  }

  it("given a customer's two stored orders, when orders/delete for one is applied twice, then it and its children are gone, a tombstone stays, and metrics equal a full recompute", async () => {
    const { db, store, orderDeletions } = await database();
    await store.upsertCustomers(SHOP, [customer("5")]);
    await store.upsertOrders(SHOP, [order("100", "5", "30.00"), order("200", "5", "12.00")]);
    await store.upsertOrders("other.myshopify.com", [order("100", null, "30.00")]);
    await store.refreshMetrics(SHOP, ["5"]);
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "orders/delete", "d1", JSON.stringify({ id: 100 }));
    inbox.insertIfNew(SHOP, "orders/delete", "d2", JSON.stringify({ id: 100 }));
    const worker = new InboxWorker({ inbox, store, orderDeletions, workerId: "w", batchSize: 1 });

    const result = await worker.drain();

    expect(result).toMatchObject({ applied: 2, failed: 0 });
    expect(await rowsOf(db, SHOP, "100")).toEqual({
      order: 0,
      lineItems: 0,
      collections: 0,
      refunds: 0,
      discountCodes: 0,
    });
    expect(await rowsOf(db, "other.myshopify.com", "100")).toMatchObject({ order: 1, lineItems: 1 });
    expect(await orderDeletions.deletedOrderIds(SHOP, ["100", "200"])).toEqual(new Set(["100"]));
    const incremental = await store.customerMetrics(SHOP);
    expect(incremental).toMatchObject([{ customerId: "5", orderCount: 1 }]);
    const stored = await db.customerMetrics.findMany({ where: { shop: SHOP } });
    await store.recomputeAllMetrics(SHOP);
    expect(await db.customerMetrics.findMany({ where: { shop: SHOP } })).toEqual(stored);
    expect(stored.map((row) => row.orderCount)).toEqual([1]);
  });

  it("given a deleted order, when an older snapshot of it is applied later, then it is not stored again", async () => {
    const { db, store, orderDeletions } = await database();
    await orderDeletions.deleteOrders(SHOP, ["300"]);
    const inbox = new MemoryInbox();
    inbox.insertIfNew(
      SHOP,
      "orders/updated",
      "late",
      JSON.stringify({
        id: 300,
        created_at: "2026-03-01T10:00:00Z",
        updated_at: "2026-03-01T10:05:00Z",
        currency: "EUR",
        total_price: "10.00",
        line_items: [],
      }),
    );

    await new InboxWorker({ inbox, store, orderDeletions, workerId: "w" }).drain();

    expect(await db.syncedOrder.count({ where: { shop: SHOP } })).toBe(0);
    expect(inbox.unprocessed()).toEqual([]);
  });
});
