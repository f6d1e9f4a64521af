import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, tuneDatabase, type Database } from "../../../../app/db/client.server.js";
import { prismaInboxRepository } from "../../../../app/db/sync/inbox-repository.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { markShopInstalled, markShopUninstalled } from "../../../../app/db/shop/shops.server.js";
import { prismaWebhookInbox } from "../../../../app/db/sync/webhook-inbox.server.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import { MemorySyncStore } from "../../services/sync/inbox-fakes.js";

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

/** A second client on the same database, tuned as the app tunes it: another process, as far as the database can tell. */
async function secondClient(db: Database): Promise<Database> {
  const entry = opened.find((item) => item.db === db)!;
  const other = createDatabase(entry.database.url);
  await tuneDatabase(db, entry.database.url);
  await tuneDatabase(other, entry.database.url);
  opened.push({ database: { ...entry.database, drop: async () => undefined }, db: other });
  return other;
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

  // Two SQLite connections in one Node process cannot stand in for two processes: better-sqlite3 waits for a lock
  // synchronously, blocking the event loop that would let the other connection's transaction finish.
  const twoProcesses = provider === "postgresql" ? it : it.skip;

  twoProcesses(
    "given two processes claiming at once, when each claims repeatedly without finishing, then no event goes to both and every event is claimed once",
    async () => {
      const db = await database(provider);
      for (let i = 0; i < 30; i += 1) await record(db, SHOP, "customers/delete", `p${i}`, { id: i + 1 });
      const repositories = [prismaInboxRepository(db), prismaInboxRepository(await secondClient(db))];
      const claimed = await Promise.all(
        repositories.map(async (repository, index) => {
          const ids: string[] = [];
          for (let round = 0; round < 8; round += 1) {
            const events = await repository.claim({ limit: 3, workerId: `process-${index}`, leaseMs: 60_000 });
            ids.push(...events.map((event) => event.id));
          }
          return ids;
        }),
      );
      const all = claimed.flat();
      expect(all).toHaveLength(30);
      expect(new Set(all).size).toBe(30);
      const rows = await db.webhookEvent.findMany();
      expect(rows.every((row) => row.attempts === 1 && row.claimedBy?.startsWith("process-"))).toBe(true);
    },
  );

  twoProcesses(
    "given two processes each running a worker on one inbox, when both drain at once, then every event is applied exactly once",
    async () => {
      const db = await database(provider);
      for (let i = 0; i < 40; i += 1) await record(db, SHOP, "customers/delete", `d${i}`, { id: i + 1 });
      const applied = new Map<string, number>();
      const store = new MemorySyncStore();
      store.deleteCustomer = async (_shop, customerId) => {
        applied.set(customerId, (applied.get(customerId) ?? 0) + 1);
      };
      const workers = [db, await secondClient(db)].map(
        (client, index) =>
          new InboxWorker({ inbox: prismaInboxRepository(client), store, workerId: `process-${index}`, batchSize: 4 }),
      );
      const results = await Promise.all(workers.map((worker) => worker.drain()));
      expect(results.reduce((sum, result) => sum + result.applied, 0)).toBe(40);
      expect(applied.size).toBe(40);
      expect([...applied.values()].every((count) => count === 1)).toBe(true);
      expect(await db.webhookEvent.count({ where: { processedAt: null } })).toBe(0);
    },
  );

  it("given a claim that lapsed (its worker died), when another process claims after the lease, then it gets the event and the attempt is counted", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "lapsed", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const first = prismaInboxRepository(db, { now: () => clock });
    const second = prismaInboxRepository(await secondClient(db), { now: () => clock });
    const [event] = await first.claim({ limit: 5, workerId: "dies", leaseMs: 1_000 });
    expect(await second.claim({ limit: 5, workerId: "lives", leaseMs: 1_000 })).toEqual([]);
    clock += 1_001;
    expect((await second.claim({ limit: 5, workerId: "lives", leaseMs: 1_000 })).map((e) => e.id)).toEqual([event!.id]);
    expect(await db.webhookEvent.findUnique({ where: { id: event!.id } })).toMatchObject({ attempts: 2 });
  });

  it("given an event that keeps failing, when it has been tried maxAttempts times, then it is dead-lettered with its last error and no longer claimed", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "poison", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock, retryDelayMs: 10, maxAttempts: 3 });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [event] = await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 });
      expect(event).toBeDefined();
      await repository.markFailed(event!.id, "w", `boom ${attempt}`);
      clock += 11;
    }
    expect(await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 })).toEqual([]);
    const row = await db.webhookEvent.findFirstOrThrow({ where: { eventId: "poison" } });
    expect(row.processedAt).not.toBeNull();
    expect(row.error).toBe("Dead-lettered after 3 attempts: boom 3");
    expect(row.attempts).toBe(3);
  });

  it("given a worker that died holding an event's last allowed attempt, when its lease lapses, then the next claim dead-letters it instead of trying again", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "crasher", { id: 1 });
    await record(db, SHOP, "customers/delete", "fine", { id: 2 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock, maxAttempts: 1 });
    const [crasher] = await repository.claim({ limit: 1, workerId: "dies", leaseMs: 100 });
    clock += 101;
    const next = await repository.claim({ limit: 5, workerId: "w", leaseMs: 100 });
    expect(next.map((event) => event.id)).not.toContain(crasher!.id);
    expect(await db.webhookEvent.findUnique({ where: { id: crasher!.id } })).toMatchObject({
      error: "Dead-lettered after 1 attempts",
    });
  });
});
