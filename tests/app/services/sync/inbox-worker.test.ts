import { afterEach, describe, expect, it } from "vitest";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { reconcileAll } from "../../../../app/services/sync/reconciliation.js";
import { type SyncedResource, type WatermarkRepository } from "../../../../app/services/sync/ports.js";
import type { EmulatorClient } from "../../../shopify-emulator/client.js";
import { computeCustomerMetrics } from "../../../../app/domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import { emulatorReader, emulatorWithInbox, MemoryInbox, MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "inbox-shop.myshopify.com";

function metricsOf(customers: CustomerFacts[], orders: OrderFacts[]) {
  return customers
    .map((customer) => computeCustomerMetrics(customer, orders))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

/** A burst of everyday shop activity: new customers, orders (some guests), payments, refunds, cancellations. */
async function burst(control: EmulatorClient, seed: number): Promise<void> {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const customers: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    customers.push((await control.createCustomer(SHOP, { email: `buyer${seed}-${i}@example.com` })).id);
  }
  for (let i = 0; i < 18; i += 1) {
    const guest = random() < 0.2;
    const order = await control.createOrder(SHOP, {
      ...(guest
        ? { email: `guest${i}@example.com` }
        : { customerId: customers[Math.floor(random() * customers.length)] }),
      lineItems: [
        {
          title: `Item ${i}`,
          price: `${10 + Math.floor(random() * 90)}.${Math.floor(random() * 90) + 10}`,
          quantity: 1 + Math.floor(random() * 3),
        },
      ],
      financialStatus: random() < 0.6 ? "PAID" : "PENDING",
    });
    const roll = random();
    if (order.financialStatus === "PENDING" && roll < 0.5) await control.payOrder(SHOP, order.id);
    else if (order.financialStatus === "PAID" && roll < 0.3)
      await control.refundOrder(SHOP, order.id, { amount: "5.00" });
    else if (roll < 0.45) await control.cancelOrder(SHOP, order.id, {});
  }
  await control.updateCustomer(SHOP, customers[0]!, { tags: ["vip"] });
  const loner = await control.createCustomer(SHOP, { email: `loner${seed}@example.com` });
  await control.deleteCustomer(SHOP, loner.id);
}

describe("the inbox worker applying the local Shopify's webhooks", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("given a burst delivered with duplicates, delays and reordering, when two workers drain the inbox concurrently, then the synced state equals Shopify's and the metrics equal the domain's definition over Shopify's own state", async () => {
    const harness = await emulatorWithInbox(SHOP);
    close = harness.close;
    await harness.control.setChaos(SHOP, {
      duplicateRate: 0.4,
      delayMs: 30,
      delayRate: 0.3,
      reorderWindow: 10,
      seed: 11,
    });
    const store = new MemorySyncStore();
    const reader = emulatorReader(harness.emulator, harness.accessToken);
    const workers = ["worker-a", "worker-b"].map(
      (workerId) => new InboxWorker({ inbox: harness.inbox, store, reader, workerId, batchSize: 5 }),
    );
    // Workers run while the burst is still arriving, as in production.
    let bursting = true;
    const running = workers.map(async (worker) => {
      while (bursting) {
        await worker.runPass();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    await burst(harness.control, 5);
    await harness.emulator.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await harness.emulator.webhooks.idle();
    bursting = false;
    await Promise.all(running);
    await Promise.all(workers.map((worker) => worker.drain()));

    const deliveries = await harness.control.deliveries(SHOP);
    expect(deliveries.some((delivery) => delivery.duplicate)).toBe(true);
    expect(harness.inbox.rows).toHaveLength(new Set(deliveries.map((delivery) => delivery.eventId)).size);
    expect(harness.inbox.unprocessed()).toEqual([]);

    const shopOrders = await reader.allOrders(SHOP);
    expect(store.snapshot(SHOP).orders).toEqual(
      shopOrders.map((order) => [order.id, order]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    const shopCustomerIds = reader
      .allCustomers(SHOP)
      .map((customer) => customer.id)
      .sort();
    expect(store.snapshot(SHOP).customers.map(([id]) => id)).toEqual(shopCustomerIds);
    expect(store.snapshot(SHOP).customers.find(([id]) => id === shopCustomerIds[0])?.[1].tags).toEqual(["vip"]);

    // The domain's definition over Shopify's own state, not the store's idea of it.
    expect(await store.customerMetrics(SHOP)).toEqual(metricsOf(reader.allCustomers(SHOP), shopOrders));
  });

  it("given events stored but never applied (a crash after recording), when a new worker runs, then it applies them and marks them processed", async () => {
    const harness = await emulatorWithInbox(SHOP);
    close = harness.close;
    const customer = await harness.control.createCustomer(SHOP, { email: "crash@example.com" });
    await harness.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Kettle", price: "30.00", quantity: 1 }],
      financialStatus: "PAID",
    });
    await harness.emulator.webhooks.idle();
    const store = new MemorySyncStore();
    // The first worker claims, then "crashes": it never marks anything.
    const crashed = await harness.inbox.claim({ limit: 100, workerId: "crashed", leaseMs: 1 });
    expect(crashed.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const result = await new InboxWorker({ inbox: harness.inbox, store, workerId: "restarted" }).drain();

    expect(result.applied).toBe(crashed.length);
    expect(harness.inbox.unprocessed()).toEqual([]);
    expect(store.metrics.get(SHOP)?.get(String(customer.id))).toMatchObject({ orderCount: 1, netSpend: "30.00" });
  });

  it("given an event whose body cannot be mapped, when the worker runs, then it is rejected with the reason and the others still apply", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "orders/create", "bad", JSON.stringify({ note: "no id" }));
    inbox.insertIfNew(SHOP, "customers/delete", "ok", JSON.stringify({ id: 5 }));
    const store = new MemorySyncStore();
    const result = await new InboxWorker({ inbox, store, workerId: "w" }).drain();
    expect(result).toMatchObject({ applied: 1, rejected: 1, failed: 0 });
    expect(inbox.rows[0]?.error).toMatch(/lacks id/);
    expect(inbox.unprocessed()).toEqual([]);
  });

  it("given the sync store fails, when the worker runs, then the events stay unprocessed with the error and apply on the next pass", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "customers/delete", "e1", JSON.stringify({ id: 9 }));
    const store = new MemorySyncStore();
    const original = store.deleteCustomer.bind(store);
    store.deleteCustomer = async () => {
      throw new Error("database is away");
    };
    const worker = new InboxWorker({ inbox, store, workerId: "w" });
    expect(await worker.runPass()).toMatchObject({ failed: 1, applied: 0 });
    expect(inbox.rows[0]).toMatchObject({ processedAt: null, error: "Error: database is away" });
    store.deleteCustomer = original;
    expect(await worker.runPass()).toMatchObject({ applied: 1 });
    expect(inbox.unprocessed()).toEqual([]);
  });

  it("given a batch that changes customers, when applied, then the segments hear those customers and the events before the events are marked processed", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "customers/delete", "e1", JSON.stringify({ id: 9 }));
    inbox.insertIfNew(SHOP, "customers/delete", "e2", JSON.stringify({ id: 10 }));
    const heard: Array<{ shop: string; customerIds: string[]; eventIds: string[]; unprocessed: number }> = [];
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      workerId: "w",
      onCustomersChanged: async (shop, customerIds, eventIds) => {
        heard.push({ shop, customerIds: [...customerIds].sort(), eventIds, unprocessed: inbox.unprocessed().length });
      },
    });
    expect(await worker.runPass()).toMatchObject({ applied: 2 });
    expect(heard).toEqual([
      { shop: SHOP, customerIds: ["10", "9"], eventIds: inbox.rows.map((row) => row.id), unprocessed: 2 },
    ]);
  });

  it("given the segments fail to hear a change, when the worker runs, then the events stay unprocessed and apply on the next pass", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "customers/delete", "e1", JSON.stringify({ id: 9 }));
    let failing = true;
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      workerId: "w",
      onCustomersChanged: async () => {
        if (failing) throw new Error("segments are away");
      },
    });
    expect(await worker.runPass()).toMatchObject({ failed: 1, applied: 0 });
    expect(inbox.rows[0]).toMatchObject({ processedAt: null, error: "Error: segments are away" });
    failing = false;
    expect(await worker.runPass()).toMatchObject({ applied: 1 });
    expect(inbox.unprocessed()).toEqual([]);
  });

  it("given an uninstalled shop, when the worker runs, then its sync events wait and only its compliance events are handled", async () => {
    const inbox = new MemoryInbox();
    inbox.insertIfNew(SHOP, "customers/delete", "e1", JSON.stringify({ id: 9 }));
    inbox.insertIfNew(SHOP, "shop/redact", "e2", JSON.stringify({ shop_id: 1, shop_domain: SHOP }));
    inbox.uninstalled.add(SHOP);
    const handled: string[] = [];
    const worker = new InboxWorker({
      inbox,
      store: new MemorySyncStore(),
      workerId: "w",
      compliance: async (_shop, topic) => {
        handled.push(topic);
      },
    });
    await worker.drain();
    expect(handled).toEqual(["shop/redact"]);
    expect(inbox.unprocessed().map((row) => row.topic)).toEqual(["customers/delete"]);
  });
});

class MemoryWatermarks implements WatermarkRepository {
  readonly marks = new Map<string, string>();
  readonly uninstalled = new Set<string>();
  constructor(private readonly shops: string[]) {}
  async installedShops() {
    return this.shops.filter((shop) => !this.uninstalled.has(shop));
  }
  async isInstalled(shop: string) {
    return !this.uninstalled.has(shop);
  }
  async getWatermark(shop: string, resource: SyncedResource) {
    return this.marks.get(`${shop}/${resource}`) ?? null;
  }
  async setWatermark(shop: string, resource: SyncedResource, watermark: string) {
    this.marks.set(`${shop}/${resource}`, watermark);
  }
}

describe("reconciliation healing what webhooks missed", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("given webhooks dropped by Shopify, when reconciliation runs after the worker, then the synced state equals Shopify's and the watermark advances", async () => {
    const harness = await emulatorWithInbox(SHOP);
    close = harness.close;
    await harness.control.setChaos(SHOP, { dropRate: 0.35, seed: 3 });
    await burst(harness.control, 9);
    await harness.emulator.webhooks.idle();
    const deliveries = await harness.control.deliveries(SHOP);
    expect(deliveries.some((delivery) => delivery.state === "dropped")).toBe(true);

    const store = new MemorySyncStore();
    const reader = emulatorReader(harness.emulator, harness.accessToken);
    await new InboxWorker({ inbox: harness.inbox, store, reader, workerId: "w" }).drain();
    const shopOrders = await reader.allOrders(SHOP);
    expect(store.snapshot(SHOP).orders.map(([, order]) => order)).not.toEqual(
      [...shopOrders].sort((a, b) => a.id.localeCompare(b.id)),
    );

    const watermarks = new MemoryWatermarks([SHOP]);
    await reconcileAll({ reader, store, watermarks, withoutWatermark: "read-all" });

    expect(store.snapshot(SHOP).orders.map(([, order]) => order)).toEqual(
      [...shopOrders].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const latest = shopOrders
      .map((order) => order.updatedAt)
      .sort()
      .at(-1);
    expect(watermarks.marks.get(`${SHOP}/orders`)).toBe(latest);
    // The domain's definition over Shopify's own state, not the store's idea of it.
    expect(await store.customerMetrics(SHOP)).toEqual(metricsOf(reader.allCustomers(SHOP), shopOrders));

    // A second run reads only the overlap and changes nothing.
    const before = store.snapshot(SHOP);
    const again = await reconcileAll({ reader, store, watermarks, overlapMs: 0 });
    expect(again.every((result) => result.read <= 1)).toBe(true);
    expect(store.snapshot(SHOP)).toEqual(before);
  });

  it("given a shop whose backfill has not set a watermark, when reconciliation runs, then it reads nothing and waits for the backfill", async () => {
    const calls: string[] = [];
    const results = await reconcileAll({
      reader: {
        fetchOrder: async () => null,
        fetchOrders: async () => new Map(),
        fetchCustomer: async () => null,
        ordersUpdatedSince: async (shop) => (calls.push(shop), { records: [], nextCursor: null }),
        customersUpdatedSince: async (shop) => (calls.push(shop), { records: [], nextCursor: null }),
      },
      store: new MemorySyncStore(),
      watermarks: new MemoryWatermarks([SHOP]),
    });
    expect(results.map((result) => result.read)).toEqual([0, 0]);
    expect(calls).toEqual([]);
  });

  it("given an uninstalled shop, when reconciliation runs, then nothing is read for it", async () => {
    const watermarks = new MemoryWatermarks([SHOP]);
    watermarks.uninstalled.add(SHOP);
    const calls: string[] = [];
    const results = await reconcileAll({
      reader: {
        fetchOrder: async () => null,
        fetchOrders: async () => new Map(),
        fetchCustomer: async () => null,
        ordersUpdatedSince: async (shop) => (calls.push(shop), { records: [], nextCursor: null }),
        customersUpdatedSince: async (shop) => (calls.push(shop), { records: [], nextCursor: null }),
      },
      store: new MemorySyncStore(),
      watermarks,
    });
    expect(results).toEqual([]);
    expect(calls).toEqual([]);
  });
});
