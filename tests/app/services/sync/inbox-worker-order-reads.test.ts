import { parse } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import type { OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import { LINE_ITEM_FIELDS_FRAGMENT, ORDER_FIELDS_FRAGMENT } from "../../../../app/graphql/order-fields.js";
import { ORDER_LINE_ITEMS_QUERY, ORDERS_BY_ID_QUERY } from "../../../../app/graphql/order-reads.js";
import { lineItemFromLine, numericId, orderFromLine } from "../../../../app/services/sync/bulk-jsonl.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { ORDERS_PER_NODES_BATCH, reconcileResource } from "../../../../app/services/sync/reconciliation.js";
import { mapOrderPayload } from "../../../../app/services/sync/webhook-mapping.js";
import { calculateRequestedCost, MAX_QUERY_COST } from "../../../shopify-emulator/graphql/cost.js";
import { getAdminSchema } from "../../../shopify-emulator/graphql/schema.js";
import type { LineItemRecord, OrderRecord, ProductRecord } from "../../../shopify-emulator/store/types.js";
import { payloadForChange } from "../../../shopify-emulator/webhooks/payloads.js";
import { emulatorGraphql, emulatorReader, emulatorWithInbox, MemoryInbox, MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "order-reads.myshopify.com";

type Harness = Awaited<ReturnType<typeof emulatorWithInbox>>;

/** A product with a type, in two collections, written straight into the local Shopify's catalogue. */
function seedCatalogue(harness: Harness): { product: ProductRecord; collectionIds: string[] } {
  const store = harness.emulator.store;
  const shopId = store.getShopByDomain(SHOP)!.id;
  const [productId, variantId, first, second] = [store.nextId(), store.nextId(), store.nextId(), store.nextId()];
  const now = store.nowIso();
  const product: ProductRecord = {
    id: productId,
    title: "Kettle",
    handle: "kettle",
    vendor: "Boil Co",
    productType: "Kitchen",
    tags: [],
    status: "ACTIVE",
    createdAt: now,
    updatedAt: now,
    variants: [{ id: variantId, title: "Default Title", sku: "KET-1", price: "30.00" }],
  };
  store.putProduct(shopId, product, { silent: true });
  for (const [id, title] of [
    [first, "Kitchen"],
    [second, "Gifts"],
  ] as const) {
    store.putCollection(shopId, { id, title, handle: title.toLowerCase(), updatedAt: now, productIds: [productId] });
  }
  return { product, collectionIds: [String(first), String(second)] };
}

/** The order as the bulk backfill maps it: the bulk export's fields, read by GraphQL, through `orderFromLine`. */
async function backfillFacts(harness: Harness, orderId: number): Promise<OrderFacts> {
  const graphql = emulatorGraphql(harness.emulator, harness.accessToken);
  const data = await graphql<{ order: Record<string, unknown> }>(
    `
      query BulkShaped($id: ID!) {
        order(id: $id) {
          ...CohortOrderFields
          lineItems(first: 250) {
            nodes {
              ...CohortLineItemFields
            }
          }
        }
      }
    ` +
      ORDER_FIELDS_FRAGMENT +
      LINE_ITEM_FIELDS_FRAGMENT,
    { id: `gid://shopify/Order/${orderId}` },
  );
  // The backfill's product-collections export, as a lookup.
  const products = await graphql<{
    products: { nodes: Array<{ id: string; collections: { nodes: { id: string }[] } }> };
  }>(`
    {
      products(first: 250) {
        nodes {
          id
          collections(first: 250) {
            nodes {
              id
            }
          }
        }
      }
    }
  `);
  const collections = new Map(
    products.products.nodes.map((product) => [
      numericId(product.id)!,
      product.collections.nodes.map((collection) => numericId(collection.id)!),
    ]),
  );
  const lines = (data.order.lineItems as { nodes: Array<Record<string, unknown>> }).nodes;
  return {
    ...orderFromLine(data.order),
    lineItems: lines.map((line) => lineItemFromLine(line, (id) => collections.get(id) ?? [])),
  };
}

function netSpend(order: OrderFacts): number {
  return Math.round(
    Number(order.totalPrice) * 100 - order.refunds.reduce((sum, refund) => sum + Number(refund.amount) * 100, 0),
  );
}

describe("the inbox worker reading orders back from Shopify", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("given an order backfilled with product types and collections, when orders/updated and orders/paid are applied, then they are kept and the order equals the backfill's view", async () => {
    harness = await emulatorWithInbox(SHOP);
    const { product, collectionIds } = seedCatalogue(harness);
    const customer = await harness.control.createCustomer(SHOP, { email: "kept@example.com" });
    const order = await harness.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ productId: product.id, variantId: product.variants[0]!.id, quantity: 2 }],
      financialStatus: "PENDING",
    });
    const store = new MemorySyncStore();
    await store.upsertOrders(SHOP, [await backfillFacts(harness, order.id)]);
    await harness.emulator.webhooks.idle();
    harness.inbox.rows.length = 0;

    await harness.control.payOrder(SHOP, order.id);
    await harness.emulator.webhooks.idle();
    const topics = harness.inbox.rows.map((row) => row.topic);
    const reader = emulatorReader(harness.emulator, harness.accessToken);
    await new InboxWorker({ inbox: harness.inbox, store, reader, workerId: "w" }).drain();

    expect(topics).toEqual(expect.arrayContaining(["orders/updated", "orders/paid"]));
    expect(harness.inbox.unprocessed()).toEqual([]);
    const stored = store.orders.get(SHOP)!.get(String(order.id))!;
    expect(stored.financialStatus).toBe("PAID");
    expect(stored.lineItems.map((line) => [line.productType, line.collectionIds])).toEqual([
      ["Kitchen", collectionIds],
    ]);
    expect(stored).toEqual(await backfillFacts(harness, order.id));
  });

  it("given an order with 300 line items, when its webhook is applied and reconciliation reads it, then every line item is read", async () => {
    harness = await emulatorWithInbox(SHOP);
    const created = await harness.control.createOrder(SHOP, {
      lineItems: Array.from({ length: 250 }, (_, index) => ({ title: `Part ${index}`, price: "1.00", quantity: 1 })),
      financialStatus: "PAID",
    });
    const emulatorStore = harness.emulator.store;
    const shopId = emulatorStore.getShopByDomain(SHOP)!.id;
    const record = emulatorStore.getOrder(shopId, created.id)!;
    const template = record.lineItems[0]!;
    const extra: LineItemRecord[] = Array.from({ length: 50 }, (_, index) => ({
      ...template,
      id: emulatorStore.nextId(),
      title: `Extra ${index}`,
    }));
    const bigger: OrderRecord = {
      ...record,
      lineItems: [...record.lineItems, ...extra],
      updatedAt: emulatorStore.nowIso(),
    };
    emulatorStore.putOrder(shopId, bigger);
    await harness.emulator.webhooks.idle();
    const store = new MemorySyncStore();
    const reader = emulatorReader(harness.emulator, harness.accessToken);

    await new InboxWorker({ inbox: harness.inbox, store, reader, workerId: "w" }).drain();
    const page = await reader.ordersUpdatedSince(SHOP, null, null);

    const stored = store.orders.get(SHOP)!.get(String(created.id))!;
    expect(stored.lineItems).toHaveLength(300);
    expect(stored.lineItems.map((line) => line.id)).toEqual(bigger.lineItems.map((line) => String(line.id)));
    expect(page.records.find((order) => order.id === String(created.id))?.lineItems).toEqual(stored.lineItems);
  });

  it("given a refund of a multi-currency order with a discount, when the worker applies its webhooks, then net spend equals the bulk path's", async () => {
    harness = await emulatorWithInbox(SHOP);
    const { product } = seedCatalogue(harness);
    const customer = await harness.control.createCustomer(SHOP, { email: "euro@example.com" });
    const order = await harness.control.createOrder(SHOP, {
      customerId: customer.id,
      presentmentCurrency: "EUR",
      discountCodes: [{ code: "TENOFF", percentage: 10 }],
      lineItems: [
        { productId: product.id, variantId: product.variants[0]!.id, quantity: 3 },
        { title: "Filter", price: "7.35", quantity: 2 },
      ],
      financialStatus: "PAID",
    });
    await harness.control.refundOrder(SHOP, order.id, {
      lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }],
    });
    await harness.emulator.webhooks.idle();
    const store = new MemorySyncStore();
    const reader = emulatorReader(harness.emulator, harness.accessToken);

    await new InboxWorker({ inbox: harness.inbox, store, reader, workerId: "w" }).drain();

    const stored = store.orders.get(SHOP)!.get(String(order.id))!;
    const bulk = await backfillFacts(harness, order.id);
    expect(stored.refunds).toHaveLength(1);
    expect(stored).toEqual(bulk);
    expect(netSpend(stored)).toBe(netSpend(bulk));
  });

  it("given an order deleted in Shopify before its webhook is applied, when the worker runs, then the webhook's snapshot is stored", async () => {
    harness = await emulatorWithInbox(SHOP);
    const order = await harness.control.createOrder(SHOP, {
      lineItems: [{ title: "Gone", price: "12.00", quantity: 1 }],
      financialStatus: "PAID",
    });
    await harness.emulator.webhooks.idle();
    const emulatorStore = harness.emulator.store;
    const shop = emulatorStore.getShopByDomain(SHOP)!;
    const payload = payloadForChange(emulatorStore, shop, "orders/updated", order.id, null, "2026-10");
    emulatorStore.db.prepare("DELETE FROM orders WHERE shop_id = ? AND id = ?").run(shop.id, order.id);
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "orders/updated", "gone", JSON.stringify(payload));
    inbox.insertIfNew(
      SHOP,
      "refunds/create",
      "gone-refund",
      JSON.stringify({ id: 1, order_id: order.id, created_at: "2026-03-01T10:00:00Z" }),
    );
    const store = new MemorySyncStore();

    const result = await new InboxWorker({
      inbox,
      store,
      reader: emulatorReader(harness.emulator, harness.accessToken),
      workerId: "w",
    }).drain();

    expect(result).toMatchObject({ applied: 2, failed: 0 });
    expect(store.orders.get(SHOP)!.get(String(order.id))).toEqual(mapOrderPayload(payload));
  });
});

describe("the inbox worker when reads fail or customers are deleted", () => {
  it("given the order read fails, when the worker runs, then only the order events stay unprocessed with the error and apply on the next pass", async () => {
    const inbox = new MemoryInbox();
    const body = {
      id: 41,
      created_at: "2026-03-01T10:00:00Z",
      updated_at: "2026-03-01T10:05:00Z",
      currency: "USD",
      total_price: "10.00",
      line_items: [],
    };
    inbox.insertIfNew(SHOP, "orders/updated", "o1", JSON.stringify(body));
    inbox.insertIfNew(SHOP, "customers/delete", "c1", JSON.stringify({ id: 9 }));
    const store = new MemorySyncStore();
    let failures = 1;
    const read = mapOrderPayload(body);
    const worker = new InboxWorker({
      inbox,
      store,
      workerId: "w",
      reader: {
        fetchOrder: async () => null,
        fetchCustomer: async () => null,
        fetchOrders: async (_shop, ids) => {
          if (failures-- > 0) throw new Error("Shopify is away");
          return new Map(ids.map((id) => [id, { ...read, productType: "x" } as OrderFacts]));
        },
        ordersUpdatedSince: async () => ({ records: [], nextCursor: null }),
        customersUpdatedSince: async () => ({ records: [], nextCursor: null }),
      },
    });

    expect(await worker.runPass()).toMatchObject({ applied: 1, failed: 1 });
    expect(inbox.unprocessed()).toMatchObject([{ topic: "orders/updated", error: "Error: Shopify is away" }]);
    expect(await worker.runPass()).toMatchObject({ applied: 1, failed: 0 });
    expect(inbox.unprocessed()).toEqual([]);
    expect(store.orders.get(SHOP)?.get("41")).toMatchObject({ id: "41" });
  });

  it("given a customer deleted and then updated in the same batch, when the worker runs, then the customer stays deleted", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "customers/delete", "d", JSON.stringify({ id: 7 }));
    inbox.insertIfNew(
      SHOP,
      "customers/update",
      "u",
      JSON.stringify({
        id: 7,
        created_at: "2026-03-01T10:00:00Z",
        updated_at: "2026-03-01T10:10:00Z",
        tags: "vip",
        email_marketing_consent: null,
      }),
    );
    const store = new MemorySyncStore();

    const result = await new InboxWorker({ inbox, store, workerId: "w" }).drain();

    expect(result).toMatchObject({ applied: 2, failed: 0 });
    expect(store.customers.get(SHOP)?.has("7") ?? false).toBe(false);
  });
});

describe("the order read documents", () => {
  const schema = getAdminSchema();
  const costOf = (document: string, variables: Record<string, unknown>) =>
    calculateRequestedCost(schema, parse(document), variables);

  it("given a batch of ORDERS_PER_NODES_BATCH ids, when its requested cost is calculated (also as if charged per id), then it stays under Shopify's 1000 points", () => {
    const ids = Array.from({ length: ORDERS_PER_NODES_BATCH }, (_, index) => `gid://shopify/Order/${index + 1}`);
    const perOrder = costOf(ORDERS_BY_ID_QUERY, { ids: ids.slice(0, 1) });
    expect(costOf(ORDERS_BY_ID_QUERY, { ids })).toBeLessThan(MAX_QUERY_COST);
    expect(perOrder * ORDERS_PER_NODES_BATCH).toBeLessThan(MAX_QUERY_COST);
    expect(perOrder * (ORDERS_PER_NODES_BATCH + 2)).toBeGreaterThan(MAX_QUERY_COST);
    expect(costOf(ORDER_LINE_ITEMS_QUERY, { id: ids[0], after: "x" })).toBeLessThan(MAX_QUERY_COST);
  });

  it("given more orders than one batch, when reconciliation reads them, then all are read", async () => {
    const harness = await emulatorWithInbox(SHOP);
    try {
      for (let index = 0; index < ORDERS_PER_NODES_BATCH * 2 + 1; index += 1) {
        await harness.control.createOrder(SHOP, {
          lineItems: [{ title: `Thing ${index}`, price: "3.00", quantity: 1 }],
        });
      }
      const store = new MemorySyncStore();
      const reader = emulatorReader(harness.emulator, harness.accessToken);
      const result = await reconcileResource(
        {
          reader,
          store,
          watermarks: {
            installedShops: async () => [SHOP],
            isInstalled: async () => true,
            getWatermark: async () => null,
            setWatermark: async () => undefined,
          },
          withoutWatermark: "read-all",
        },
        SHOP,
        "orders",
      );
      expect(result.read).toBe(ORDERS_PER_NODES_BATCH * 2 + 1);
      expect(store.snapshot(SHOP).orders.map(([, order]) => order)).toEqual(
        [...(await reader.allOrders(SHOP))].sort((a, b) => a.id.localeCompare(b.id)),
      );
    } finally {
      await harness.close();
    }
  });
});
