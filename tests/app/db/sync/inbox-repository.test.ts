import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
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

async function databaseWithUrl(provider: "sqlite" | "postgresql"): Promise<{ db: Database; url: string }> {
  const fresh = await freshDatabase(provider);
  await applyMigrations(fresh.url);
  const db = createDatabase(fresh.url);
  await tuneDatabase(db, fresh.url);
  opened.push({ database: fresh, db });
  return { db, url: fresh.url };
}

async function database(provider: "sqlite" | "postgresql"): Promise<Database> {
  return (await databaseWithUrl(provider)).db;
}

const CLAIMER = fileURLToPath(new URL("./inbox-claimer-process.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));

/** Runs one claimer or worker in a process of its own; resolves to the ids it printed. */
function runClaimer(url: string, workerId: string, args: string[]): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    execFile(TSX, [CLAIMER, url, workerId, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${workerId} failed: ${stderr || error.message}`));
      else resolvePromise(JSON.parse(stdout) as string[]);
    });
  });
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
    await repository.markFailed(event!.id, event!.claimToken, "boom");
    expect(await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 })).toEqual([]);
    clock += 501;
    const [again] = await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 });
    expect(again?.id).toBe(event!.id);
    expect(await db.webhookEvent.findUnique({ where: { id: event!.id } })).toMatchObject({
      error: "boom",
      processedAt: null,
      attempts: 1,
    });
    await repository.markProcessed([event!.id], again!.claimToken);
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
    expect(store.metrics.get(SHOP)?.get("77")).toMatchObject({ orderCount: 1, netSpend: "20.00" });
  });

  it("given two processes claiming at once, when each claims repeatedly without finishing, then no event goes to both and every event is claimed once", async () => {
    const { db, url } = await databaseWithUrl(provider);
    for (let i = 0; i < 30; i += 1) await record(db, SHOP, "customers/delete", `p${i}`, { id: i + 1 });
    const claimed = await Promise.all([0, 1].map((index) => runClaimer(url, `process-${index}`, ["claim", "8", "3"])));
    const all = claimed.flat();
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    const rows = await db.webhookEvent.findMany();
    expect(rows.every((row) => row.attempts === 0 && row.claimedBy?.startsWith("process-"))).toBe(true);
  });

  it("given two processes each running a worker on one inbox, when both drain at once, then every event is applied exactly once", async () => {
    const { db, url } = await databaseWithUrl(provider);
    for (let i = 0; i < 40; i += 1) await record(db, SHOP, "customers/delete", `d${i}`, { id: i + 1 });
    const applied = (
      await Promise.all([0, 1].map((index) => runClaimer(url, `process-${index}`, ["drain", "4"])))
    ).flat();
    expect(applied).toHaveLength(40);
    expect(new Set(applied).size).toBe(40);
    expect(await db.webhookEvent.count({ where: { processedAt: null } })).toBe(0);
  });

  it("given a claim that lapsed (its worker died), when another process claims after the lease, then it gets the event alone and no failed attempt is counted", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "lapsed", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const first = prismaInboxRepository(db, { now: () => clock });
    const second = prismaInboxRepository(await secondClient(db), { now: () => clock });
    const [event] = await first.claim({ limit: 5, workerId: "dies", leaseMs: 1_000 });
    expect(await second.claim({ limit: 5, workerId: "lives", leaseMs: 1_000 })).toEqual([]);
    clock += 1_001;
    expect((await second.claim({ limit: 5, workerId: "lives", leaseMs: 1_000 })).map((e) => e.id)).toEqual([event!.id]);
    expect(await db.webhookEvent.findUnique({ where: { id: event!.id } })).toMatchObject({
      attempts: 0,
      abandonedClaims: 1,
    });
  });

  it("given an event that keeps failing, when it has been tried maxAttempts times, then it is dead-lettered with its last error and no longer claimed", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "poison", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock, retryDelayMs: 10, maxAttempts: 3 });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [event] = await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 });
      expect(event).toBeDefined();
      await repository.markFailed(event!.id, event!.claimToken, `boom ${attempt}`);
      clock += 1_000;
    }
    expect(await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 })).toEqual([]);
    const row = await db.webhookEvent.findFirstOrThrow({ where: { eventId: "poison" } });
    expect(row.processedAt).not.toBeNull();
    expect(row.error).toBe("Dead-lettered after 3 attempts: boom 3");
    expect(row.attempts).toBe(3);
  });

  it("given a worker that crashes on one event of its batch, when its claims keep lapsing, then only that event is dead-lettered and its batch-mates are applied without a failed attempt", async () => {
    const db = await database(provider);
    for (let i = 0; i < 5; i += 1) await record(db, SHOP, "customers/delete", `batch${i}`, { id: i + 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock, maxAbandonedAlone: 2 });
    const crasher = await db.webhookEvent.findFirstOrThrow({ where: { eventId: "batch2" } });
    // The whole batch is claimed and the worker dies.
    expect(await repository.claim({ limit: 10, workerId: "dies", leaseMs: 100 })).toHaveLength(5);
    clock += 101;
    for (let round = 0; round < 20; round += 1) {
      const claimed = await repository.claim({ limit: 10, workerId: `w${round}`, leaseMs: 100 });
      if (claimed.length === 0) break;
      expect(claimed, "a suspect is claimed alone").toHaveLength(1);
      const [event] = claimed;
      if (event!.id === crasher.id)
        clock += 101; // dies again, holding only the crasher
      else expect(await repository.markProcessed([event!.id], event!.claimToken)).toBe(1);
    }
    const rows = await db.webhookEvent.findMany({ orderBy: { eventId: "asc" } });
    expect(rows.map((row) => [row.eventId, row.attempts, row.processedAt !== null])).toEqual([
      ["batch0", 0, true],
      ["batch1", 0, true],
      ["batch2", 0, true],
      ["batch3", 0, true],
      ["batch4", 0, true],
    ]);
    expect(rows.filter((row) => row.error?.startsWith("Dead-lettered")).map((row) => row.eventId)).toEqual(["batch2"]);
    expect(rows.find((row) => row.eventId === "batch2")!.error).toBe(
      "Dead-lettered after 2 abandoned claims alone (its worker stopped while applying it)",
    );
  });

  it("given a worker whose lease lapsed and another that took the event over, when the first completes or fails it, then nothing it writes counts and the second completes it", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "slow", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock });
    const [stale] = await repository.claim({ limit: 1, workerId: "slow", leaseMs: 100 });
    clock += 101;
    const [fresh] = await repository.claim({ limit: 1, workerId: "fresh", leaseMs: 60_000 });
    expect(fresh!.id).toBe(stale!.id);
    expect(await repository.markFailed(stale!.id, stale!.claimToken, "throttled")).toBeNull();
    expect(await repository.markProcessed([stale!.id], stale!.claimToken)).toBe(0);
    expect(await repository.markRejected(stale!.id, stale!.claimToken, "no")).toBe(false);
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stale!.id } })).toMatchObject({
      attempts: 0,
      processedAt: null,
      error: null,
    });
    expect(await repository.markProcessed([fresh!.id], fresh!.claimToken)).toBe(1);
  });

  it("given a long pass, when its worker renews the claim before the lease runs out, then no other worker can take the event", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "long", { id: 1 });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, { now: () => clock });
    const [event] = await repository.claim({ limit: 1, workerId: "long", leaseMs: 100 });
    clock += 80;
    expect(await repository.extendClaim(event!.claimToken, 100)).toBe(1);
    clock += 80;
    expect(await repository.claim({ limit: 1, workerId: "other", leaseMs: 100 })).toEqual([]);
    expect(await repository.markProcessed([event!.id], event!.claimToken)).toBe(1);
    expect(await repository.extendClaim(event!.claimToken, 100)).toBe(0);
  });

  it("given a privacy request whose handler keeps failing, when it has failed far more than maxAttempts times, then it is never dead-lettered, backs off up to the cap and stays claimable", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/redact", "redact", { customer: { id: 1 }, orders_to_redact: [] });
    let clock = Date.parse("2026-11-28T16:00:00Z");
    const repository = prismaInboxRepository(db, {
      now: () => clock,
      maxAttempts: 3,
      retryDelayMs: 1_000,
      maxRetryDelayMs: 8_000,
    });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const [event] = await repository.claim({ limit: 1, workerId: "w", leaseMs: 100 });
      expect(event, `attempt ${attempt} is claimed`).toBeDefined();
      const outcome = await repository.markFailed(event!.id, event!.claimToken, `handler down ${attempt}`);
      expect(outcome?.retryAt).not.toBeNull();
      delays.push(outcome!.retryAt!.getTime() - clock);
      clock = outcome!.retryAt!.getTime() + 1;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
    expect(await db.webhookEvent.findFirstOrThrow({ where: { eventId: "redact" } })).toMatchObject({
      processedAt: null,
      attempts: 8,
      error: "handler down 8",
    });
  });

  it("given a pass that outlives its lease (slow writes), when a second worker polls meanwhile, then the first renews its claim and the event is applied once, with no failed attempt", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/delete", "slow-pass", { id: 1 });
    const applied: string[] = [];
    const slowStore = new MemorySyncStore();
    slowStore.deleteCustomer = async (_shop, customerId) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      applied.push(customerId);
    };
    const slow = new InboxWorker({
      inbox: prismaInboxRepository(db),
      store: slowStore,
      workerId: "slow",
      leaseMs: 150,
    });
    const other = new InboxWorker({
      inbox: prismaInboxRepository(db),
      store: slowStore,
      workerId: "other",
      leaseMs: 150,
    });
    const first = slow.runPass();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await other.runPass();
    expect(second.claimed).toBe(0);
    expect(await first).toMatchObject({ claimed: 1, applied: 1 });
    expect(applied).toEqual(["1"]);
    expect(await db.webhookEvent.findFirstOrThrow({ where: { eventId: "slow-pass" } })).toMatchObject({
      attempts: 0,
      abandonedClaims: 0,
      error: null,
    });
  });

  it("given a privacy request whose handler fails, when the worker tries it, then it logs at error level and the request waits for its retry", async () => {
    const db = await database(provider);
    await record(db, SHOP, "customers/redact", "failing-redact", { customer: { id: 1 }, orders_to_redact: [] });
    const lines: Array<[string, string | undefined]> = [];
    const worker = new InboxWorker({
      inbox: prismaInboxRepository(db, { maxAttempts: 1 }),
      store: new MemorySyncStore(),
      compliance: async () => {
        throw new Error("database unavailable");
      },
      workerId: "w",
      log: (message, level) => lines.push([message, level]),
    });
    expect(await worker.runPass()).toMatchObject({ claimed: 1, failed: 1 });
    expect(lines).toEqual([
      [
        expect.stringMatching(
          /^\[privacy\] customers\/redact for repo-shop.myshopify.com failed \(attempt 1\), retrying at .*: Error: database unavailable$/,
        ),
        "error",
      ],
    ]);
    expect(await db.webhookEvent.findFirstOrThrow({ where: { eventId: "failing-redact" } })).toMatchObject({
      processedAt: null,
      attempts: 1,
    });
  });
});
