import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { prismaInboxRepository } from "../../app/db/inbox-repository.server.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { markShopInstalled, markShopUninstalled } from "../../app/db/shops.server.js";
import { prismaWebhookInbox } from "../../app/db/webhook-inbox.server.js";
import { InboxWorker } from "../../app/services/inbox-worker.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "repo-shop.myshopify.com";
const OTHER = "gone-shop.myshopify.com";

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

async function database(provider: "sqlite" | "postgresql"): Promise<Database> {
  const fresh = await freshDatabase(provider);
  await applyMigrations(fresh.url);
  const db = createDatabase(fresh.url);
  opened.push({ database: fresh, db });
  return db;
}

async function record(db: Database, shop: string, topic: string, eventId: string, payload: unknown) {
  await prismaWebhookInbox(db).insertIfNew({
    shop,
    topic,
    eventId,
    webhookId: `wh-${eventId}`,
    apiVersion: "2026-10",
    triggeredAt: null,
    payload,
  });
  // receivedAt has millisecond resolution: keep arrivals distinct.
  await new Promise((resolve) => setTimeout(resolve, 3));
}

describe.each(await providers())("the WebhookEvent inbox repository on %s", (provider) => {
  it("given events of an installed and an uninstalled shop, when claimed, then they come oldest first and the uninstalled shop yields only compliance events", async () => {
    const db = await database(provider);
    await markShopInstalled(db, SHOP, null);
    await markShopInstalled(db, OTHER, null);
    await markShopUninstalled(db, OTHER);
    await record(db, SHOP, "orders/create", "a", { id: 1 });
    await record(db, OTHER, "orders/create", "b", { id: 2 });
    await record(db, SHOP, "customers/delete", "c", { id: 3 });
    await record(db, OTHER, "shop/redact", "d", { shop_domain: OTHER });

    const claimed = await prismaInboxRepository(db).claim({ limit: 10, workerId: "w", leaseMs: 60_000 });

    expect(claimed.map((event) => [event.shop, event.topic])).toEqual([
      [SHOP, "orders/create"],
      [SHOP, "customers/delete"],
      [OTHER, "shop/redact"],
    ]);
  });

  it("given two workers claiming at once in one process, when both claim, then no event goes to both", async () => {
    const db = await database(provider);
    for (let i = 0; i < 12; i += 1) await record(db, SHOP, "customers/delete", `e${i}`, { id: i + 1 });
    const repository = prismaInboxRepository(db);
    const [a, b] = await Promise.all([
      repository.claim({ limit: 8, workerId: "a", leaseMs: 60_000 }),
      repository.claim({ limit: 8, workerId: "b", leaseMs: 60_000 }),
    ]);
    const ids = [...a, ...b].map((event) => event.id);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toHaveLength(12);
  });

  it("given a failed event, when claimed again before its retry delay, then it rests; after the delay it comes back with its error kept until it succeeds", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "f", { id: 1 });
    let clock = 1_000_000;
    const repository = prismaInboxRepository(db, { retryDelayMs: 500, now: () => clock });
    const [event] = await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 });
    await repository.markFailed(event!.id, "w", "boom");
    expect(await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 })).toEqual([]);
    clock += 501;
    expect((await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 })).map((e) => e.id)).toEqual([event!.id]);
    expect(await db.webhookEvent.findUnique({ where: { id: event!.id } })).toMatchObject({
      error: "boom",
      processedAt: null,
    });
    await repository.markProcessed([event!.id], "w");
    expect(await db.webhookEvent.findUnique({ where: { id: event!.id } })).toMatchObject({ error: null });
  });

  it("given recorded order webhooks, when the worker drains the database inbox, then every event is processed and the orders are stored", async () => {
    const db = await database(provider);
    const order = (id: number, updatedAt: string, total: string) => ({
      id,
      created_at: "2026-01-01T10:00:00-05:00",
      updated_at: updatedAt,
      currency: "USD",
      total_price: total,
      customer: { id: 77 },
      line_items: [],
      refunds: [],
    });
    await record(db, SHOP, "orders/updated", "o2", order(1, "2026-01-01T10:05:00-05:00", "20.00"));
    await record(db, SHOP, "orders/create", "o1", order(1, "2026-01-01T10:00:00-05:00", "10.00"));
    const store = new MemorySyncStore();
    await store.upsertCustomers(SHOP, [
      {
        id: "77",
        createdAt: "2025-01-01T00:00:00Z",
        updatedAt: "2025-01-01T00:00:00Z",
        state: "ENABLED",
        tags: [],
        emailMarketing: null,
        smsMarketing: null,
        countryCode: null,
        provinceCode: null,
        city: null,
      },
    ]);
    await new InboxWorker({ inbox: prismaInboxRepository(db), store, workerId: "w" }).drain();
    expect(await db.webhookEvent.count({ where: { processedAt: null } })).toBe(0);
    expect(store.orders.get(SHOP)?.get("1")?.totalPrice).toBe("20.00");
    expect(store.metrics.get(SHOP)?.get("77")).toEqual({ orderCount: 1, netSpent: "20.00" });
  });
});
