import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EmulatorStore } from "../store/store.js";
import type { CustomerRecord, OrderRecord } from "../store/types.js";
import { generateDemoStore, type DemoStoreSummary } from "./generator.js";

const NOW = new Date("2026-05-01T00:00:00Z");

async function seeded(
  seed: number | string,
  customers = 400,
  orders = 2000,
): Promise<{ store: EmulatorStore; shopId: number; summary: DemoStoreSummary }> {
  const store = new EmulatorStore();
  const shop = store.createShop({ domain: "demo", createdAt: "2023-01-01T00:00:00.000Z" });
  const summary = await generateDemoStore(store, shop.id, { seed, customers, orders, now: NOW, batchSize: 333 });
  return { store, shopId: shop.id, summary };
}

function hashRows(store: EmulatorStore): string {
  const hash = createHash("sha256");
  for (const table of ["customers", "orders", "products", "collections"]) {
    for (const row of store.db.prepare(`SELECT * FROM ${table} ORDER BY shop_id, id`).iterate())
      hash.update(JSON.stringify(row));
  }
  return hash.digest("hex");
}

function orders(store: EmulatorStore): OrderRecord[] {
  return (store.db.prepare("SELECT data FROM orders ORDER BY id").all() as { data: string }[]).map(
    (row) => JSON.parse(row.data) as OrderRecord,
  );
}

describe("generateDemoStore", () => {
  it("given the same seed twice, when generating, then the rows are byte-identical; another seed differs", async () => {
    const a = await seeded(42);
    const b = await seeded(42);
    const c = await seeded(43);
    expect(hashRows(a.store)).toBe(hashRows(b.store));
    expect(hashRows(a.store)).not.toBe(hashRows(c.store));
  });

  it("given a generated store, when comparing customer stats with the store's per-customer reference, then they agree", async () => {
    const { store, shopId } = await seeded("stats", 300, 1500);
    const customers = (store.db.prepare("SELECT data FROM customers ORDER BY id").all() as { data: string }[]).map(
      (row) => JSON.parse(row.data) as CustomerRecord,
    );
    for (const customer of customers) {
      const reference = store.refreshCustomerStats(shopId, customer.id)!;
      expect([customer.id, customer.amountSpent, customer.numberOfOrders]).toEqual([
        reference.id,
        reference.amountSpent,
        reference.numberOfOrders,
      ]);
    }
  });

  it("given 2000 orders, when generating, then the shop looks like a real one", async () => {
    const { store, summary } = await seeded(7);
    const all = orders(store);
    expect(all).toHaveLength(2000);
    expect(store.count("customers", summary.shopId)).toBe(400);
    // ids and numbers rise with time
    for (let i = 1; i < all.length; i += 1) {
      expect(all[i]!.createdAt >= all[i - 1]!.createdAt).toBe(true);
      expect(all[i]!.number).toBe(all[i - 1]!.number + 1);
    }
    const guests = all.filter((order) => order.customerId === null).length / all.length;
    expect(guests).toBeGreaterThan(0.05);
    expect(guests).toBeLessThan(0.25);
    const counts = new Map<number, number>();
    for (const order of all)
      if (order.customerId !== null) counts.set(order.customerId, (counts.get(order.customerId) ?? 0) + 1);
    const repeat = [...counts.values()].filter((n) => n > 1).length / counts.size;
    expect(repeat).toBeGreaterThan(0.15);
    expect(repeat).toBeLessThan(0.6);
    expect(Math.max(...counts.values())).toBeGreaterThan(15); // a heavy tail
    const refunded = all.filter((order) => order.refunds.length > 0 && !order.cancelledAt);
    expect(refunded.some((order) => order.financialStatus === "PARTIALLY_REFUNDED")).toBe(true);
    expect(refunded.some((order) => order.financialStatus === "REFUNDED")).toBe(true);
    expect(all.filter((order) => order.cancelledAt).length).toBeGreaterThan(10);
    expect(all.filter((order) => order.discountCodes.length > 0).length).toBeGreaterThan(100);
    expect(new Set(all.map((order) => order.presentmentCurrencyCode)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((order) => order.shippingAddress?.countryCode)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((order) => order.sourceName))).toEqual(
      new Set(["web", "pos", "iphone", "shopify_draft_order"]),
    );
    const first = Date.parse(all[0]!.createdAt);
    expect(NOW.getTime() - first).toBeGreaterThan(900 * 86_400_000);
    expect(Date.parse(all.at(-1)!.createdAt)).toBeLessThanOrEqual(NOW.getTime());
    // long-tailed spend: the top order is many times the median
    const totals = all.map((order) => Number(order.totalPrice.shop)).sort((x, y) => x - y);
    expect(totals.at(-1)! / totals[Math.floor(totals.length / 2)]!).toBeGreaterThan(5);
    // dormant customers: some buyers' last order is over a year old
    const lastOrder = new Map<number, string>();
    for (const order of all) if (order.customerId !== null) lastOrder.set(order.customerId, order.createdAt);
    const dormant = [...lastOrder.values()].filter((at) => NOW.getTime() - Date.parse(at) > 365 * 86_400_000).length;
    expect(dormant).toBeGreaterThan(20);
    // money adds up on every order
    for (const order of all) {
      const sum = order.lineItems.reduce(
        (total, line) => total + Math.round(Number(line.discountedTotal.shop) * 100),
        0,
      );
      expect(sum).toBe(Math.round(Number(order.subtotalPrice.shop) * 100));
    }
    const customers = (store.db.prepare("SELECT data FROM customers").all() as { data: string }[]).map(
      (row) => JSON.parse(row.data) as CustomerRecord,
    );
    expect(customers.filter((customer) => customer.tags.length > 0).length).toBeGreaterThan(20);
    expect(
      new Set(customers.map((customer) => customer.emailMarketingConsent?.marketingState)).size,
    ).toBeGreaterThanOrEqual(3);
    expect(customers.filter((customer) => customer.numberOfOrders === 0).length).toBeGreaterThan(40);
  });

  it("given a seeded store, when no listener is attached, then seeding announced nothing", async () => {
    const store = new EmulatorStore();
    const shop = store.createShop({ domain: "quiet" });
    let announced = 0;
    store.changes.on("change", () => (announced += 1));
    await generateDemoStore(store, shop.id, { seed: 1, customers: 20, orders: 50, now: NOW });
    expect(announced).toBe(0);
  });
});
