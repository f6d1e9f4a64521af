import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { prismaInboxRepository } from "../../../../app/db/sync/inbox-repository.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { markShopAccessRevoked, markShopInstalled } from "../../../../app/db/shop/shops.server.js";
import { prismaWebhookInbox } from "../../../../app/db/sync/webhook-inbox.server.js";
import { prismaWatermarks } from "../../../../app/db/sync/watermarks.server.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { adminRecordsReader, reconcileAll } from "../../../../app/services/sync/reconciliation.js";
import { isAccessRevoked } from "../../../../app/services/shop/shop-access.js";
import { AdminClient, ShopUnavailableError } from "../../../../app/shopify/admin-client.server.js";
import { createEmulatorFetch } from "../../../../app/shopify/emulator-routing.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import { emulatorWithInbox, MemorySyncStore } from "../sync/inbox-fakes.js";

const SHOP = "revoked.myshopify.com";

describe("isAccessRevoked", () => {
  it("given the Admin client's refusals, when classified, then only a 401 counts as revoked access", () => {
    expect(isAccessRevoked(new ShopUnavailableError(SHOP, 401, "Shopify answered 401"))).toBe(true);
    expect(isAccessRevoked(new ShopUnavailableError(SHOP, 402, "Shopify answered 402"))).toBe(false);
    expect(isAccessRevoked(new ShopUnavailableError(SHOP, null, "No usable offline session"))).toBe(false);
    expect(isAccessRevoked(new Error("Shopify answered 401"))).toBe(false);
  });
});

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

type Harness = Awaited<ReturnType<typeof emulatorWithInbox>>;

describe.each(await providers())("background work when Shopify refuses the token, on %s", (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function setup() {
    harness = await emulatorWithInbox(SHOP);
    const fresh = await freshDatabase(provider);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    opened.push({ database: fresh, db });
    await markShopInstalled(db, SHOP, "read_orders");
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "shpat_x" } });
    let token = harness.accessToken;
    const admin = new AdminClient({
      shop: SHOP,
      apiVersion: "2026-10",
      token: { accessToken: async () => token },
      fetch: createEmulatorFetch(harness.emulator.url, globalThis.fetch),
    });
    const reader = adminRecordsReader(admin.asAdminGraphql());
    const revokedShops: string[] = [];
    const onAccessRevoked = async (shop: string) => {
      revokedShops.push(shop);
      await markShopAccessRevoked(db, shop);
    };
    /** What afterAuth does on the next token exchange: a working token, and the shop marked installed. */
    const authenticateAgain = async () => {
      token = (await harness!.control.install(SHOP)).accessToken;
      await markShopInstalled(db, SHOP, "read_orders");
    };
    return { h: harness, db, reader, revokedShops, onAccessRevoked, authenticateAgain };
  }

  async function shopState(db: Database) {
    return {
      uninstalled: (await db.shop.findUnique({ where: { domain: SHOP } }))?.uninstalledAt !== null,
      sessions: await db.session.count({ where: { shop: SHOP } }),
    };
  }

  it("given a revoked token, when the worker applies an order webhook, then the shop stops like an uninstalled one and its events wait until it authenticates again", async () => {
    const { h, db, reader, revokedShops, onAccessRevoked, authenticateAgain } = await setup();
    const order = await h.control.createOrder(SHOP, {
      lineItems: [{ title: "Tea", price: "8.00", quantity: 1 }],
      financialStatus: "PAID",
    });
    await h.emulator.webhooks.idle();
    for (const row of h.inbox.rows) {
      await prismaWebhookInbox(db).insertIfNew({
        shop: row.shop,
        topic: row.topic,
        eventId: row.eventId,
        webhookId: row.eventId,
        apiVersion: "2026-10",
        triggeredAt: null,
        payload: JSON.parse(row.payload) as unknown,
      });
    }
    await h.control.revokeTokens(SHOP);
    const store = new MemorySyncStore();
    const worker = new InboxWorker({
      inbox: prismaInboxRepository(db),
      store,
      reader,
      onAccessRevoked,
      workerId: "w",
    });

    const refused = await worker.runPass();

    expect(refused.applied).toBe(0);
    expect(refused.failed).toBeGreaterThan(0);
    expect(revokedShops).toEqual([SHOP]);
    expect(await shopState(db)).toEqual({ uninstalled: true, sessions: 0 });
    expect(await worker.runPass()).toMatchObject({ claimed: 0 });
    expect(store.orders.get(SHOP)?.has(String(order.id)) ?? false).toBe(false);

    await authenticateAgain();
    const resumed = await worker.drain();

    expect(resumed).toMatchObject({ failed: 0 });
    expect(resumed.applied).toBeGreaterThan(0);
    expect(store.orders.get(SHOP)?.get(String(order.id))).toMatchObject({ id: String(order.id) });
    expect(await shopState(db)).toMatchObject({ uninstalled: false });
    expect(revokedShops).toEqual([SHOP]);
  });

  it("given a revoked token, when reconciliation runs, then the shop is marked, the next run leaves it alone, and it is reconciled again after authenticating", async () => {
    const { h, db, reader, revokedShops, onAccessRevoked, authenticateAgain } = await setup();
    await prismaWatermarks(db).setWatermark(SHOP, "orders", "2026-01-01T00:00:00Z");
    await prismaWatermarks(db).setWatermark(SHOP, "customers", "2026-01-01T00:00:00Z");
    await h.control.createOrder(SHOP, { lineItems: [{ title: "Tea", price: "8.00", quantity: 1 }] });
    await h.control.revokeTokens(SHOP);
    const store = new MemorySyncStore();
    const failures: unknown[] = [];
    const deps = { reader, store, watermarks: prismaWatermarks(db), onAccessRevoked };

    await reconcileAll(deps, (_shop, error) => failures.push(error));

    expect(revokedShops).toEqual([SHOP]);
    expect(failures).toHaveLength(1);
    expect(isAccessRevoked(failures[0])).toBe(true);
    expect(await shopState(db)).toEqual({ uninstalled: true, sessions: 0 });
    expect(await reconcileAll(deps, (_shop, error) => failures.push(error))).toEqual([]);
    expect(failures).toHaveLength(1);

    await authenticateAgain();
    const results = await reconcileAll(deps, (_shop, error) => failures.push(error));

    expect(failures).toHaveLength(1);
    expect(results.find((result) => result.resource === "orders")).toMatchObject({ read: 1 });
  });

  it("given a failure that is not a refused token, when the worker fails on it, then the shop keeps working", async () => {
    const { db, onAccessRevoked, revokedShops } = await setup();
    await prismaWebhookInbox(db).insertIfNew({
      shop: SHOP,
      topic: "orders/updated",
      eventId: "e1",
      webhookId: "w1",
      apiVersion: "2026-10",
      triggeredAt: null,
      payload: { id: 5, created_at: "2026-03-01T10:00:00Z", updated_at: "2026-03-01T10:00:00Z", line_items: [] },
    });
    const worker = new InboxWorker({
      inbox: prismaInboxRepository(db),
      store: new MemorySyncStore(),
      reader: {
        fetchOrder: async () => null,
        fetchCustomer: async () => null,
        fetchOrders: async () => {
          throw new ShopUnavailableError(SHOP, 423, "Shopify answered 423");
        },
        ordersUpdatedSince: async () => ({ records: [], nextCursor: null }),
        customersUpdatedSince: async () => ({ records: [], nextCursor: null }),
      },
      onAccessRevoked,
      workerId: "w",
    });

    expect(await worker.runPass()).toMatchObject({ failed: 1 });
    expect(revokedShops).toEqual([]);
    expect(await shopState(db)).toEqual({ uninstalled: false, sessions: 1 });
  });
});
