import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { prismaOrderDeletion } from "../../../../app/db/sync/order-deletion.server.js";
import { prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import { computeCustomerMetrics, type CustomerMetricsFacts } from "../../../../app/domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import type { SyncStore } from "../../../../app/services/sync/ports.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import {
  bigId,
  customerSnapshot,
  instant,
  orderSnapshot,
  randomDeliveries,
  randomSource,
  type Delivery,
} from "./sync-store-fixtures.js";

const SHOP = "a.myshopify.com";
const OTHER_SHOP = "b.myshopify.com";

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

/** Each database, and on SQLite each fact writer: the driver-level one (the default) and Prisma's SQL. */
interface StoreVariant {
  provider: "sqlite" | "postgresql";
  writer: "driver" | "prisma";
}
const variants: Array<[string, StoreVariant]> = (await providers()).flatMap((provider) =>
  (["driver", "prisma"] as const).map((writer): [string, StoreVariant] => [
    `${provider} (${writer === "driver" ? "driver" : "Prisma"} writer)`,
    { provider, writer },
  ]),
);

async function openDatabase(provider: "sqlite" | "postgresql") {
  const database = await freshDatabase(provider);
  await applyMigrations(database.url);
  const db = createDatabase(database.url);
  opened.push({ database, db });
  return { db, url: database.url };
}

async function openStore(variant: StoreVariant): Promise<SyncStore> {
  const { db, url } = await openDatabase(variant.provider);
  // Small recompute ranges, so a full recompute crosses range boundaries.
  return prismaSyncStore(db, url, { factWriter: variant.writer, recomputeChunk: 3 });
}

/**
 * What the store must hold after deliveries in any order: per id the snapshot with the newest updatedAt (the
 * later delivery on a tie), customers never deleted, metrics from the reference definitions.
 */
class Reference {
  customers = new Map<string, CustomerFacts>();
  orders = new Map<string, OrderFacts>();
  deleted = new Set<string>();

  customer(snapshot: CustomerFacts) {
    const current = this.customers.get(snapshot.id);
    if (!current || Date.parse(snapshot.updatedAt) >= Date.parse(current.updatedAt)) {
      this.customers.set(snapshot.id, snapshot);
    }
  }

  order(snapshot: OrderFacts) {
    const current = this.orders.get(snapshot.id);
    if (!current || Date.parse(snapshot.updatedAt) >= Date.parse(current.updatedAt)) {
      this.orders.set(snapshot.id, snapshot);
    }
  }

  metrics(): CustomerMetricsFacts[] {
    const orders = [...this.orders.values()];
    return [...this.customers.values()]
      .filter((customer) => !this.deleted.has(customer.id))
      .map((customer) => computeCustomerMetrics(customer, orders))
      .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  }
}

async function deliver(store: SyncStore, shop: string, deliveries: Delivery[], reference: Reference) {
  for (const delivery of deliveries) {
    if (delivery.type === "deleteCustomer") {
      reference.deleted.add(delivery.customerId);
      await store.deleteCustomer(shop, delivery.customerId);
      continue;
    }
    const result =
      delivery.type === "orders"
        ? await store.upsertOrders(shop, delivery.snapshots)
        : await store.upsertCustomers(shop, delivery.snapshots);
    if (delivery.type === "orders") delivery.snapshots.forEach((s) => reference.order(s));
    else delivery.snapshots.forEach((s) => reference.customer(s));
    expect(result.written + result.stale).toBe(delivery.snapshots.length);
    await store.refreshMetrics(shop, result.affectedCustomerIds);
  }
}

describe.each(variants)("sync store on %s", (_name, provider) => {
  it.each([1, 2, 3, 4, 5])(
    "given random deliveries (seed %i) with updates, refunds, cancellations, duplicates, stale copies and deletions, when applied incrementally, then the metrics equal a full recompute and the reference",
    async (seed) => {
      const store = await openStore(provider);
      const reference = new Reference();

      await deliver(store, SHOP, randomDeliveries(seed, 60), reference);
      const incremental = await store.customerMetrics(SHOP);
      await store.recomputeAllMetrics(SHOP);
      const recomputed = await store.customerMetrics(SHOP);

      const expected = reference.metrics();
      expect(expected.some((m) => m.purchases.length > 0)).toBe(true);
      expect(incremental).toEqual(expected);
      expect(recomputed).toEqual(expected);
    },
  );

  it("given more orders and customers than one statement holds, when upserted in one call and refreshed, then the metrics equal the reference", async () => {
    const random = randomSource(9);
    const store = await openStore(provider);
    const reference = new Reference();
    const customers = Array.from({ length: 1_300 }, (_, i) => customerSnapshot(random, bigId(7, i), 1));
    const orders = Array.from({ length: 2_600 }, (_, i) =>
      orderSnapshot(random, bigId(5, i), bigId(7, random.int(1_400)), 10 + random.int(100)),
    );
    customers.forEach((c) => reference.customer(c));
    orders.forEach((o) => reference.order(o));

    const written = await store.upsertOrders(SHOP, orders);
    const customersWritten = await store.upsertCustomers(SHOP, customers);
    await store.refreshMetrics(SHOP, [...written.affectedCustomerIds, ...customersWritten.affectedCustomerIds]);

    expect(written).toMatchObject({ written: 2_600, stale: 0 });
    expect(await store.customerMetrics(SHOP)).toEqual(reference.metrics());
  });

  it("given two shops with the same ids, when each receives its own history, then neither sees the other's facts or metrics", async () => {
    const store = await openStore(provider);
    const first = new Reference();
    const second = new Reference();

    await deliver(store, SHOP, randomDeliveries(11, 40), first);
    await deliver(store, OTHER_SHOP, randomDeliveries(12, 40), second);
    await store.recomputeAllMetrics(SHOP);
    const deletedInFirst = [...first.customers.keys()].find((id) => !first.deleted.has(id) && second.customers.has(id));
    if (deletedInFirst !== undefined) {
      first.deleted.add(deletedInFirst);
      await store.deleteCustomer(SHOP, deletedInFirst);
    }

    expect(await store.customerMetrics(SHOP)).toEqual(first.metrics());
    expect(await store.customerMetrics(OTHER_SHOP)).toEqual(second.metrics());
  });

  it("given amounts like 0.10 and 0.20, when summed by the database, then the totals are exact", async () => {
    const random = randomSource(1);
    const store = await openStore(provider);
    const customer = { ...customerSnapshot(random, "1", 1), tags: ["vip"] };
    const order = (id: string, total: string): OrderFacts => ({
      ...orderSnapshot(random, id, "1", 5),
      cancelledAt: null,
      test: false,
      totalPrice: total,
      discountCodes: [],
      refunds: [],
      lineItems: [
        {
          id: `${id}-1`,
          productId: "9",
          variantId: null,
          title: "T",
          vendor: null,
          productType: null,
          collectionIds: [],
          quantity: 1,
          amount: total,
        },
      ],
    });

    await store.upsertCustomers(SHOP, [customer]);
    await store.upsertOrders(SHOP, [
      order("1", "0.10"),
      order("2", "0.20"),
      order("3", "33333333.3333"),
      order("4", "0.001"),
    ]);
    await store.refreshMetrics(SHOP, ["1"]);

    const [metrics] = await store.customerMetrics(SHOP);
    expect(metrics?.grossSpend).toBe("33333333.6343");
    expect(metrics?.averageOrderValue).toBe("8333333.4085");
    expect(metrics?.purchases.find((p) => p.kind === "product")?.amount).toBe("33333333.6343");

    await store.upsertOrders(SHOP, [{ ...order("3", "0.00"), updatedAt: instant(6) }]);
    await store.refreshMetrics(SHOP, ["1"]);
    expect((await store.customerMetrics(SHOP))[0]?.grossSpend).toBe("0.301");
  });

  it("given text with quotes, backslashes, placeholders and emoji, when stored, then it reads back unchanged", async () => {
    const random = randomSource(4);
    const store = await openStore(provider);
    const awkward = ["O'Brien", "back\\slash\\", "what? $1 :x", "🎉 ünïcode", '\'; DROP TABLE "SyncedOrder"; --'];
    await store.upsertCustomers(SHOP, [{ ...customerSnapshot(random, "1", 1), tags: awkward, city: awkward[0]! }]);
    await store.upsertOrders(SHOP, [
      {
        ...orderSnapshot(random, "1", "1", 2),
        test: false,
        cancelledAt: null,
        discountCodes: awkward,
        sourceName: awkward[1]!,
      },
    ]);
    await store.refreshMetrics(SHOP, ["1"]);

    const [metrics] = await store.customerMetrics(SHOP);
    expect(metrics?.tags).toEqual(awkward);
    expect(metrics?.city).toBe("O'Brien");
    expect(
      metrics?.purchases
        .filter((p) => p.kind === "discountCode")
        .map((p) => p.key)
        .sort(),
    ).toEqual([...awkward].sort());
    expect(metrics?.purchases.find((p) => p.kind === "channel")?.key).toBe("back\\slash\\");
  });

  it("given a stored snapshot, when an older one arrives, then it is ignored; when one with the same updatedAt arrives, then it wins", async () => {
    const random = randomSource(2);
    const store = await openStore(provider);
    const newer = { ...orderSnapshot(random, "10", "1", 20), totalPrice: "20.00" };
    const older = { ...orderSnapshot(random, "10", "2", 10), totalPrice: "10.00" };
    const sameTime = { ...newer, totalPrice: "21.00", customerId: "3", updatedAt: instant(20) };

    expect(await store.upsertOrders(SHOP, [newer])).toEqual({ written: 1, stale: 0, affectedCustomerIds: ["1"] });
    expect(await store.upsertOrders(SHOP, [older])).toEqual({ written: 0, stale: 1, affectedCustomerIds: [] });
    expect(await store.upsertOrders(SHOP, [sameTime])).toEqual({
      written: 1,
      stale: 0,
      affectedCustomerIds: ["1", "3"],
    });
    expect(await store.upsertOrders(SHOP, [older, newer, older])).toMatchObject({ written: 1, stale: 2 });

    const customers = [customerSnapshot(random, "1", 30), { ...customerSnapshot(random, "1", 25), state: "DISABLED" }];
    expect(await store.upsertCustomers(SHOP, customers)).toMatchObject({ written: 1, stale: 1 });
    expect(await store.upsertCustomers(SHOP, [customers[1]!])).toMatchObject({ written: 0, stale: 1 });
  });

  it("given a deleted customer, when a late snapshot of them arrives, then they stay deleted and their orders detached", async () => {
    const random = randomSource(3);
    const store = await openStore(provider);
    await store.upsertCustomers(SHOP, [customerSnapshot(random, "1", 5)]);
    await store.upsertOrders(SHOP, [orderSnapshot(random, "100", "1", 5)]);
    await store.refreshMetrics(SHOP, ["1"]);
    expect(await store.customerMetrics(SHOP)).toHaveLength(1);

    await store.deleteCustomer(SHOP, "1");
    const late = await store.upsertCustomers(SHOP, [customerSnapshot(random, "1", 50)]);
    const lateOrder = await store.upsertOrders(SHOP, [orderSnapshot(random, "101", "1", 50)]);
    await store.recomputeAllMetrics(SHOP);

    expect(late).toEqual({ written: 0, stale: 1, affectedCustomerIds: [] });
    expect(lateOrder).toEqual({ written: 1, stale: 0, affectedCustomerIds: [] });
    expect(await store.customerMetrics(SHOP)).toEqual([]);
  });
});

describe.each(variants)("the full recompute on %s", (_name, variant) => {
  it("given metrics of a customer no longer synced, whose id sorts before every synced one, when all metrics are recomputed in ranges, then only synced customers keep metrics", async () => {
    const random = randomSource(8);
    const { db, url } = await openDatabase(variant.provider);
    const store = prismaSyncStore(db, url, { factWriter: variant.writer, recomputeChunk: 1 });
    await store.upsertCustomers(
      SHOP,
      ["0", "5", "6", "7"].map((id) => customerSnapshot(random, id, 5)),
    );
    await store.upsertOrders(SHOP, [orderSnapshot(random, "100", "0", 5), orderSnapshot(random, "101", "6", 5)]);
    await store.refreshMetrics(SHOP, ["0", "5", "6", "7"]);
    // Customer "0" leaves the sync without its metrics (as a shop's data is erased table by table).
    await db.syncedOrder.deleteMany({ where: { shop: SHOP, customerId: "0" } });
    await db.syncedCustomer.delete({ where: { shop_id: { shop: SHOP, id: "0" } } });

    await store.recomputeAllMetrics(SHOP);

    expect((await store.customerMetrics(SHOP)).map((metrics) => metrics.customerId)).toEqual(["5", "6", "7"]);
  });
});

describe.each(variants)("order deletion on %s", (_name, variant) => {
  it("given a deleted order, when a late snapshot of it arrives, then it stays deleted and counts as stale", async () => {
    const random = randomSource(6);
    const { db, url } = await openDatabase(variant.provider);
    const store = prismaSyncStore(db, url, { factWriter: variant.writer });
    await store.upsertCustomers(SHOP, [customerSnapshot(random, "1", 5)]);
    await store.upsertOrders(SHOP, [orderSnapshot(random, "100", "1", 5), orderSnapshot(random, "101", "1", 5)]);

    await prismaOrderDeletion(db).deleteOrders(SHOP, ["100"]);
    const late = await store.upsertOrders(SHOP, [orderSnapshot(random, "100", "1", 60)]);

    expect(late).toEqual({ written: 0, stale: 1, affectedCustomerIds: [] });
    expect((await db.syncedOrder.findMany({ where: { shop: SHOP } })).map((o) => o.id)).toEqual(["101"]);
    expect(await db.syncedLineItem.count({ where: { shop: SHOP, orderId: "100" } })).toBe(0);
  });
});

describe.each(await providers())("fact writers on %s", (provider) => {
  it("given an erased customer, when a later snapshot of one of their orders arrives, then it is stored without customer or geography", async () => {
    const random = randomSource(5);
    const { db, url } = await openDatabase(provider);
    const store = prismaSyncStore(db, url);
    await store.upsertCustomers(SHOP, [customerSnapshot(random, "1", 5)]);
    await store.upsertOrders(SHOP, [{ ...orderSnapshot(random, "100", "1", 5), countryCode: "FR", city: "Lyon" }]);

    await store.deleteCustomer(SHOP, "1");
    await store.upsertOrders(SHOP, [
      { ...orderSnapshot(random, "100", "1", 60), countryCode: "FR", provinceCode: "ARA", city: "Lyon" },
    ]);

    const order = await db.syncedOrder.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: "100" } } });
    expect(order).toMatchObject({ customerId: null, countryCode: null, provinceCode: null, city: null });
  });
});

describe.each(await providers())("the driver-level fact writer on %s", (provider) => {
  it.each([21, 22, 23])(
    "given random deliveries (seed %i), when applied by the driver-level writer and by Prisma's SQL, then every stored row and result is identical",
    async (seed) => {
      const stores = await Promise.all(
        (["driver", "prisma"] as const).map(async (writer) => {
          const { db, url } = await openDatabase(provider);
          return { db, store: prismaSyncStore(db, url, { factWriter: writer }), results: [] as unknown[] };
        }),
      );
      for (const delivery of randomDeliveries(seed, 80)) {
        for (const side of stores) {
          if (delivery.type === "deleteCustomer") await side.store.deleteCustomer(SHOP, delivery.customerId);
          else if (delivery.type === "orders")
            side.results.push(await side.store.upsertOrders(SHOP, delivery.snapshots));
          else side.results.push(await side.store.upsertCustomers(SHOP, delivery.snapshots));
        }
      }
      const [driver, prisma] = stores;
      expect(driver!.results).toEqual(prisma!.results);
      expect(await storedFacts(driver!.db)).toEqual(await storedFacts(prisma!.db));
    },
  );
});

/** Every fact row of the shop, in a stable order. */
async function storedFacts(db: Database) {
  const where = { shop: SHOP };
  return {
    // A tombstone's times are the moment of deletion, which differs between the two databases.
    customers: (await db.syncedCustomer.findMany({ where, orderBy: { id: "asc" } })).map((customer) =>
      customer.deletedAt ? { ...customer, createdAt: null, updatedAt: null, deletedAt: "set" } : customer,
    ),
    tags: await db.customerTag.findMany({ where, orderBy: [{ customerId: "asc" }, { tag: "asc" }] }),
    orders: await db.syncedOrder.findMany({ where, orderBy: { id: "asc" } }),
    lineItems: await db.syncedLineItem.findMany({ where, orderBy: [{ orderId: "asc" }, { id: "asc" }] }),
    collections: await db.syncedLineItemCollection.findMany({
      where,
      orderBy: [{ orderId: "asc" }, { lineItemId: "asc" }, { collectionId: "asc" }],
    }),
    refunds: await db.syncedRefund.findMany({ where, orderBy: [{ orderId: "asc" }, { id: "asc" }] }),
    codes: await db.syncedOrderDiscountCode.findMany({ where, orderBy: [{ orderId: "asc" }, { code: "asc" }] }),
  };
}
