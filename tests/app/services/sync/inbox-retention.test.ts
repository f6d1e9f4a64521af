import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { prismaInboxRepository } from "../../../../app/db/sync/inbox-repository.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { markShopInstalled } from "../../../../app/db/shop/shops.server.js";
import { prismaWebhookInbox } from "../../../../app/db/sync/webhook-inbox.server.js";
import {
  applyInboxRetention,
  KEPT_PAYLOAD_RETENTION_MS,
  PROCESSED_EVENT_RETENTION_MS,
} from "../../../../app/services/sync/inbox-retention.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { recordWebhook } from "../../../../app/services/sync/webhook-inbox.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";
import { MemorySyncStore } from "./inbox-fakes.js";

const SHOP = "retention.myshopify.com";
const DAY = 24 * 60 * 60_000;

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

const orderBody = {
  id: 501,
  email: "private.person@example.com",
  phone: "+33 6 12 34 56 78",
  created_at: "2026-03-01T10:00:00Z",
  updated_at: "2026-03-01T10:05:00Z",
  currency: "EUR",
  total_price: "10.00",
  customer: { id: 9, email: "private.person@example.com", first_name: "Private", last_name: "Person" },
  shipping_address: { address1: "1 Rue Secrète", city: "Lyon", country_code: "FR" },
  line_items: [],
};

function delivery(eventId: string, topic = "orders/create", payload: unknown = orderBody) {
  return {
    shop: SHOP,
    topic,
    eventId,
    webhookId: `wh-${eventId}`,
    apiVersion: "2026-10",
    triggeredAt: null,
    payload,
  };
}

describe("the inbox retention windows", () => {
  it("given the documented windows, when read, then processed rows outlive Shopify's 48-hour retries and kept payloads go sooner", () => {
    expect(PROCESSED_EVENT_RETENTION_MS).toBe(30 * DAY);
    expect(KEPT_PAYLOAD_RETENTION_MS).toBeLessThan(PROCESSED_EVENT_RETENTION_MS);
    expect(KEPT_PAYLOAD_RETENTION_MS).toBeGreaterThan(2 * DAY);
  });
});

describe.each(await providers())("webhook inbox retention on %s", (provider) => {
  async function database(): Promise<Database> {
    const fresh = await freshDatabase(provider);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    opened.push({ database: fresh, db });
    await markShopInstalled(db, SHOP, null);
    return db;
  }

  it("given an order webhook with personal data, when the worker applies it, then the inbox keeps no personal data and a redelivery is still dropped", async () => {
    const db = await database();
    const inbox = prismaWebhookInbox(db);
    expect(await recordWebhook(inbox, delivery("evt-1"))).toBe("recorded");

    const result = await new InboxWorker({
      inbox: prismaInboxRepository(db),
      store: new MemorySyncStore(),
      workerId: "w",
    }).drain();

    expect(result).toMatchObject({ applied: 1, failed: 0 });
    const rows = await db.webhookEvent.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: "evt-1", topic: "orders/create", payload: "" });
    expect(rows[0]!.processedAt).not.toBeNull();
    for (const secret of ["private.person", "Secrète", "+33", "Person"]) {
      expect(await db.webhookEvent.count({ where: { payload: { contains: secret } } })).toBe(0);
    }
    expect(await recordWebhook(inbox, delivery("evt-1"))).toBe("duplicate");
    expect(await db.webhookEvent.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("given processed, rejected and waiting events of various ages, when retention runs, then old processed rows go, old kept payloads are blanked and nothing unprocessed is touched", async () => {
    const db = await database();
    const inbox = prismaWebhookInbox(db);
    for (const id of ["old-applied", "recent-applied", "old-rejected", "recent-rejected", "waiting"]) {
      await inbox.insertIfNew(delivery(id));
    }
    const now = new Date("2026-06-01T00:00:00Z");
    const processedAt = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const set = (eventId: string, data: { processedAt: Date; payload?: string; error?: string }) =>
      db.webhookEvent.updateMany({ where: { shop: SHOP, eventId }, data });
    await set("old-applied", { processedAt: processedAt(31), payload: "" });
    await set("recent-applied", { processedAt: processedAt(29), payload: "" });
    await set("old-rejected", { processedAt: processedAt(8), error: "UnmappablePayloadError" });
    await set("recent-rejected", { processedAt: processedAt(6), error: "UnmappablePayloadError" });
    await db.webhookEvent.updateMany({ where: { eventId: "waiting" }, data: { receivedAt: processedAt(40) } });

    const result = await applyInboxRetention(prismaInboxRepository(db), now);

    expect(result).toEqual({ deleted: 1, blanked: 1 });
    const rows = await db.webhookEvent.findMany({ where: { shop: SHOP }, orderBy: { eventId: "asc" } });
    expect(rows.map((row) => [row.eventId, row.payload === "" ? "blank" : "kept", row.error])).toEqual([
      ["old-rejected", "blank", "UnmappablePayloadError"],
      ["recent-applied", "blank", null],
      ["recent-rejected", "kept", "UnmappablePayloadError"],
      ["waiting", "kept", null],
    ]);
    expect(await recordWebhook(inbox, delivery("recent-applied"))).toBe("duplicate");
  });
});
