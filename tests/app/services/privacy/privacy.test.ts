import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { defineSegment } from "../../../../app/services/segments/segment-definition.js";
import { snapshotSegments } from "../../../../app/services/segments/segment-evaluation.js";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { prismaPrivacyRepository } from "../../../../app/db/privacy/privacy.server.js";
import { markShopInstalled, markShopUninstalled } from "../../../../app/db/shop/shops.server.js";
import { prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import { prismaWebhookInbox } from "../../../../app/db/sync/webhook-inbox.server.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import { handleComplianceEvent } from "../../../../app/services/privacy/privacy.js";
import {
  applyDataRequestRetention,
  DATA_REQUEST_RETENTION_MS,
} from "../../../../app/services/privacy/data-request-retention.js";
import { SQLITE_SCHEMA } from "../../../../scripts/prisma-schemas.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";

const SHOP = "privacy-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

function customer(id: string, overrides: Partial<CustomerFacts> = {}): CustomerFacts {
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
    ...overrides,
  };
}

function order(id: string, customerId: string | null): OrderFacts {
  return {
    id,
    customerId,
    createdAt: "2026-01-03T00:00:00Z",
    processedAt: "2026-01-03T00:00:00Z",
    updatedAt: "2026-01-03T00:00:00Z",
    cancelledAt: null,
    test: false,
    currency: "EUR",
    presentmentCurrency: "EUR",
    totalPrice: "42.50",
    subtotalPrice: "42.50",
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
        title: "Scarf",
        vendor: "Knits",
        productType: "Accessories",
        collectionIds: ["5"],
        quantity: 1,
        amount: "42.50",
      },
    ],
    refunds: [{ id: `${id}2`, createdAt: "2026-01-04T00:00:00Z", amount: "2.50" }],
  };
}

/** Every model of prisma/schema.prisma, and how many of its rows belong to a shop. */
function rowCounters(db: Database, shop: string): Record<string, () => Promise<number>> {
  return {
    Session: () => db.session.count({ where: { shop } }),
    Shop: () => db.shop.count({ where: { domain: shop } }),
    WebhookEvent: () => db.webhookEvent.count({ where: { shop } }),
    SyncState: () => db.syncState.count({ where: { shop } }),
    DataRequest: () => db.dataRequest.count({ where: { shop } }),
    SyncedCustomer: () => db.syncedCustomer.count({ where: { shop } }),
    CustomerTag: () => db.customerTag.count({ where: { shop } }),
    SyncedOrder: () => db.syncedOrder.count({ where: { shop } }),
    SyncedLineItem: () => db.syncedLineItem.count({ where: { shop } }),
    SyncedLineItemCollection: () => db.syncedLineItemCollection.count({ where: { shop } }),
    SyncedRefund: () => db.syncedRefund.count({ where: { shop } }),
    SyncedOrderDiscountCode: () => db.syncedOrderDiscountCode.count({ where: { shop } }),
    DeletedOrder: () => db.deletedOrder.count({ where: { shop } }),
    CustomerMetrics: () => db.customerMetrics.count({ where: { shop } }),
    CustomerPurchase: () => db.customerPurchase.count({ where: { shop } }),
    Segment: () => db.segment.count({ where: { shop } }),
    SegmentMember: () => db.segmentMember.count({ where: { shop } }),
    SegmentMembershipEvent: () => db.segmentMembershipEvent.count({ where: { shop } }),
    SegmentSnapshot: () => db.segmentSnapshot.count({ where: { shop } }),
    ShopSegmentThresholds: () => db.shopSegmentThresholds.count({ where: { shop } }),
    ShopSegmentSettings: () => db.shopSegmentSettings.count({ where: { shop } }),
    ShopSettings: () => db.shopSettings.count({ where: { shop } }),
    SegmentDiscount: () => db.segmentDiscount.count({ where: { shop } }),
    ShopifySegmentLink: () => db.shopifySegmentLink.count({ where: { shop } }),
    SegmentTagging: () => db.segmentTagging.count({ where: { shop } }),
    ConfirmedCustomerTag: () => db.confirmedCustomerTag.count({ where: { shop } }),
    TagPending: () => db.tagPending.count({ where: { shop } }),
    TagChange: () => db.tagChange.count({ where: { shop } }),
    // The record that a shop/redact came and what was done: kept after the erasure, as its proof.
    ShopRedaction: () => db.shopRedaction.count({ where: { shop } }),
  };
}

async function countAll(db: Database, shop: string): Promise<Record<string, number>> {
  const counters = rowCounters(db, shop);
  const counts: Record<string, number> = {};
  for (const [model, count] of Object.entries(counters)) counts[model] = await count();
  return counts;
}

describe.each(await providers())("privacy topics on %s", (provider) => {
  async function seeded() {
    const fresh = await freshDatabase(provider);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    opened.push({ database: fresh, db });
    const store = prismaSyncStore(db, fresh.url);
    for (const shop of [SHOP, OTHER]) {
      await markShopInstalled(db, shop, "read_orders");
      await store.upsertCustomers(shop, [customer("100"), customer("200", { city: "Oslo", countryCode: "NO" })]);
      await store.upsertOrders(shop, [order("1001", "100"), order("1002", "100"), order("2001", "200")]);
      await store.refreshMetrics(shop, ["100", "200"]);
      await db.syncState.create({ data: { shop, resource: "orders", watermark: new Date() } });
      await db.deletedOrder.create({ data: { shop, id: "999", deletedAt: new Date() } });
      const inbox = prismaWebhookInbox(db);
      await inbox.insertIfNew({
        shop,
        topic: "orders/create",
        eventId: `evt-1001-${shop}`,
        webhookId: "w1",
        apiVersion: "2026-10",
        triggeredAt: null,
        payload: { id: 1001, email: "ada@example.com", customer: { id: 100, email: "ada@example.com" } },
      });
      await db.webhookEvent.updateMany({ where: { shop }, data: { processedAt: new Date() } });
      const segments = { segments: prismaSegmentRepository(db), evaluation: prismaSegmentEvaluation(db, fresh.url) };
      const settings = { now: new Date(), timeZone: "Europe/Paris" };
      await defineSegment(segments, shop, { name: "Spent anything", query: "amount_spent > 0" }, settings);
      await snapshotSegments(segments, shop, settings);
      await db.shopSegmentSettings.create({ data: { shop, rfmGroups: "{}", updatedAt: new Date() } });
      await db.shopSettings.create({ data: { shop, tagPrefix: "vip:", updatedAt: new Date() } });
      await db.shopifySegmentLink.create({
        data: {
          shop,
          segmentId: "s1",
          shopifySegmentId: "gid://shopify/Segment/1",
          name: "Cohort: VIP",
          query: "customer_tags CONTAINS 'cohort:vip'",
          updatedAt: new Date(),
        },
      });
      await db.segmentDiscount.create({
        data: {
          shop,
          id: "gid://shopify/DiscountCodeNode/1",
          segmentId: "s1",
          method: "code",
          kind: "percentage",
          title: "VIP 15",
          code: "VIP15",
          value: 15n,
          startsAt: new Date(),
          createdAt: new Date(),
        },
      });
      const at = new Date();
      await db.segmentTagging.create({
        data: { shop, segmentId: "s1", tag: "cohort:vip", tagKey: "cohort:vip", state: "on", updatedAt: at },
      });
      for (const customerId of ["100", "200"]) {
        await db.confirmedCustomerTag.create({
          data: { shop, customerId, tag: "cohort:vip", tagKey: "cohort:vip", origin: "cohort", confirmedAt: at },
        });
        await db.tagPending.create({ data: { shop, customerId, markedAt: at, cause: "schedule" } });
        await db.tagChange.create({
          data: { shop, customerId, tag: "cohort:vip", action: "add", cause: "schedule", at, result: "applied" },
        });
      }
    }
    return { db, store, privacy: prismaPrivacyRepository(db) };
  }

  it("given a customer with orders, metrics and stored webhook bodies, when customers/redact is handled, then their data is gone, their orders stay detached without geography, and others are untouched", async () => {
    const { db, store, privacy } = await seeded();
    await handleComplianceEvent(privacy, SHOP, "customers/redact", {
      shop_domain: SHOP,
      customer: { id: 100, email: "ada@example.com", phone: null },
      orders_to_redact: [1001, 1002],
    });

    const redacted = await db.syncedCustomer.findUnique({ where: { shop_id: { shop: SHOP, id: "100" } } });
    expect(redacted).toMatchObject({ state: null, tags: "[]", emailMarketing: null, city: null, countryCode: null });
    expect(redacted?.deletedAt).toBeInstanceOf(Date);
    expect(await db.customerTag.count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);
    expect(await db.customerMetrics.count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);
    expect(await db.customerPurchase.count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);
    for (const tagRows of [db.confirmedCustomerTag, db.tagPending, db.tagChange] as const) {
      expect(await (tagRows as typeof db.tagPending).count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);
      expect(await (tagRows as typeof db.tagPending).count({ where: { shop: SHOP, customerId: "200" } })).toBe(1);
    }
    const orders = await db.syncedOrder.findMany({ where: { shop: SHOP, id: { in: ["1001", "1002"] } } });
    expect(orders.map((row) => [row.customerId, row.city, row.countryCode])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(await db.webhookEvent.count({ where: { shop: SHOP, payload: { contains: "ada@example.com" } } })).toBe(0);
    expect(await db.segmentMember.findMany({ where: { shop: SHOP }, select: { customerId: true } })).toEqual([
      { customerId: "200" },
    ]);
    expect(await db.segmentMembershipEvent.count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);

    // A late snapshot of the redacted customer does not bring them back.
    await store.upsertCustomers(SHOP, [customer("100")]);
    expect((await db.syncedCustomer.findUnique({ where: { shop_id: { shop: SHOP, id: "100" } } }))?.city).toBeNull();

    expect(await store.customerMetrics(SHOP, ["200"])).toHaveLength(1);
    expect((await db.syncedOrder.findUnique({ where: { shop_id: { shop: SHOP, id: "2001" } } }))?.city).toBe("Lyon");
    expect(await db.syncedOrder.count({ where: { shop: OTHER, customerId: "100" } })).toBe(2);
    expect(await db.webhookEvent.count({ where: { shop: OTHER, payload: { contains: "ada@example.com" } } })).toBe(1);
  });

  it("given a customers/data_request, when it is handled, then a DataRequest holds what Cohort stores about the customer and downloads as JSON once listed", async () => {
    const { privacy } = await seeded();
    await handleComplianceEvent(
      privacy,
      SHOP,
      "customers/data_request",
      {
        shop_domain: SHOP,
        customer: { id: 100, email: "ada@example.com", phone: null },
        orders_requested: [1001, 1002],
      },
      () => new Date("2026-02-01T12:00:00Z"),
    );

    const [listed] = await privacy.listDataRequests(SHOP);
    expect(listed).toMatchObject({ customerId: "100", requestedAt: "2026-02-01T12:00:00.000Z", downloadedAt: null });
    expect(await privacy.listDataRequests(OTHER)).toEqual([]);
    expect(await privacy.downloadDataRequest(OTHER, listed!.id)).toBeNull();

    const data = await privacy.downloadDataRequest(SHOP, listed!.id);
    expect(data).toMatchObject({
      customerId: "100",
      ordersRequested: ["1001", "1002"],
      customer: { id: "100", city: "Lyon", tags: '["vip"]' },
      metrics: { netSpend: "80.00", orderCount: 2 },
    });
    expect(data?.orders.map((item) => (item as { id: string; totalPrice: string }).totalPrice)).toEqual([
      "42.50",
      "42.50",
    ]);
    expect(data?.webhookEvents.map((event) => event.topic)).toEqual(["orders/create"]);
    expect(data?.segments.memberships).toHaveLength(1);
    expect(data?.segments.changes).toMatchObject([{ change: "enter", cause: "edit" }]);
    expect((await privacy.listDataRequests(SHOP))[0]?.downloadedAt).not.toBeNull();
  });

  it.each([
    ["in one chunk", undefined],
    ["one row per transaction", 1],
  ])(
    "given a shop with data in every table, when shop/redact is handled (%s), then no table keeps a row of that shop and the other shop keeps all of its rows",
    async (_label, eraseChunk) => {
      const seededShop = await seeded();
      const { db } = seededShop;
      const privacy = eraseChunk ? prismaPrivacyRepository(db, { eraseChunk }) : seededShop.privacy;
      await handleComplianceEvent(privacy, SHOP, "customers/data_request", {
        customer: { id: 200 },
        orders_requested: [],
      });
      await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "shpat_x" } });
      const models = [...readFileSync(SQLITE_SCHEMA, "utf8").matchAll(/^model (\w+) \{/gm)].map((match) => match[1]);
      expect(Object.keys(rowCounters(db, SHOP)).sort()).toEqual([...models].sort());
      const otherBefore = await countAll(db, OTHER);
      const before = await countAll(db, SHOP);
      expect(
        Object.entries(before)
          .filter(([, count]) => count === 0)
          .map(([model]) => model),
      ).toEqual(["ShopRedaction"]);
      await markShopUninstalled(db, SHOP);

      await handleComplianceEvent(privacy, SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP });

      const { ShopRedaction, ...after } = await countAll(db, SHOP);
      expect(Object.values(after).every((count) => count === 0)).toBe(true);
      expect(ShopRedaction).toBe(1);
      expect(await db.shopRedaction.findFirst({ where: { shop: SHOP } })).toMatchObject({ outcome: "erased" });
      expect(await countAll(db, OTHER)).toEqual(otherBefore);
    },
  );

  it("given a shop that is installed (reinstalled since its uninstall), when a validly signed shop/redact is handled, then nothing is erased and the request is recorded as kept", async () => {
    const { db, privacy } = await seeded();
    await markShopUninstalled(db, SHOP);
    await markShopInstalled(db, SHOP, "read_orders");
    const before = await countAll(db, SHOP);

    await handleComplianceEvent(privacy, SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP });

    expect(await countAll(db, SHOP)).toEqual({ ...before, ShopRedaction: 1 });
    expect(await db.shopRedaction.findFirst({ where: { shop: SHOP } })).toMatchObject({ outcome: "kept: installed" });
  });

  it("given a shop Cohort never knew, when shop/redact is handled, then the request is recorded as erased (there was nothing to keep)", async () => {
    const { db, privacy } = await seeded();
    await handleComplianceEvent(privacy, "unknown-shop.myshopify.com", "shop/redact", { shop_id: 9 });
    expect(await db.shopRedaction.findFirst({ where: { shop: "unknown-shop.myshopify.com" } })).toMatchObject({
      outcome: "erased",
    });
  });

  it("given another customer's webhooks in which some number equals the customer's id, when a data export and an erasure are handled, then the export holds only the customer's own webhooks and the erasure keeps the other's", async () => {
    const { db, privacy } = await seeded();
    const inbox = prismaWebhookInbox(db);
    // Customer 200's order: its quantity and a line item's product id are 100, the id of customer 100.
    await inbox.insertIfNew({
      shop: SHOP,
      topic: "orders/updated",
      eventId: "evt-2001",
      webhookId: "w2",
      apiVersion: "2026-10",
      triggeredAt: null,
      payload: {
        id: 2001,
        email: "bo@example.com",
        customer: { id: 200, email: "bo@example.com" },
        line_items: [{ product_id: 100, quantity: 100 }],
      },
    });
    // A refund of customer 100's order names only the order.
    await inbox.insertIfNew({
      shop: SHOP,
      topic: "refunds/create",
      eventId: "evt-refund-1002",
      webhookId: "w3",
      apiVersion: "2026-10",
      triggeredAt: null,
      payload: { id: 55, order_id: 1002, note: "too small" },
    });
    await db.webhookEvent.updateMany({ where: { shop: SHOP }, data: { processedAt: new Date() } });

    const data = await privacy.collectCustomerData(SHOP, "100", []);
    expect(data.webhookEvents.map((event) => event.topic)).toEqual(["orders/create", "refunds/create"]);
    expect(JSON.stringify(data)).not.toContain("bo@example.com");

    await privacy.eraseCustomer(SHOP, "100", []);
    const left = await db.webhookEvent.findMany({ where: { shop: SHOP }, select: { eventId: true } });
    expect(left.map((event) => event.eventId)).toEqual(["evt-2001"]);
  });

  it("given a customers/data_request delivered twice, when both are handled, then one export stays; after the retention period it is deleted", async () => {
    const { db, privacy } = await seeded();
    const request = {
      shop_domain: SHOP,
      customer: { id: 100, email: "ada@example.com", phone: null },
      orders_requested: [1001],
      data_request: { id: 9001 },
    };
    const first = new Date("2026-02-01T12:00:00Z");
    await handleComplianceEvent(privacy, SHOP, "customers/data_request", request, () => first);
    await handleComplianceEvent(
      privacy,
      SHOP,
      "customers/data_request",
      request,
      () => new Date(first.getTime() + 60_000),
    );
    await handleComplianceEvent(
      privacy,
      SHOP,
      "customers/data_request",
      { ...request, data_request: { id: 9002 } },
      () => first,
    );
    expect((await privacy.listDataRequests(SHOP)).map((item) => item.requestedAt)).toEqual([
      "2026-02-01T12:01:00.000Z",
      "2026-02-01T12:00:00.000Z",
    ]);

    const justInside = new Date(first.getTime() + DATA_REQUEST_RETENTION_MS);
    expect(await applyDataRequestRetention(privacy, justInside)).toBe(0);
    expect(await applyDataRequestRetention(privacy, new Date(justInside.getTime() + 1))).toBe(1);
    expect(await applyDataRequestRetention(privacy, new Date(justInside.getTime() + 60_001))).toBe(1);
    expect(await db.dataRequest.count()).toBe(0);
  });
});
