import { describe, expect, it } from "vitest";
import type { Database } from "../../../../app/db/client.server.js";
import { prismaPrivacyRepository } from "../../../../app/db/privacy/privacy.server.js";
import { prismaPrivacyRequests } from "../../../../app/db/privacy/privacy-requests.server.js";
import { prismaInboxRepository } from "../../../../app/db/sync/inbox-repository.server.js";
import { prismaWebhookInbox } from "../../../../app/db/sync/webhook-inbox.server.js";
import { giveUpPrivacyRequest, loadPrivacyPage } from "../../../../app/services/privacy/privacy-page.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";
import { MemorySyncStore } from "../sync/inbox-fakes.js";

const SHOP = "privacy-page.myshopify.com";
const OTHER = "other-privacy.myshopify.com";

const openDatabase = migratedDatabases();
const database = async (provider: "sqlite" | "postgresql"): Promise<Database> => (await openDatabase(provider)).db;

async function recordRedact(db: Database, shop: string, eventId: string): Promise<void> {
  await prismaWebhookInbox(db).insertIfNew({
    shop,
    topic: "customers/redact",
    eventId,
    webhookId: `wh-${eventId}`,
    apiVersion: "2026-10",
    triggeredAt: null,
    payload: { shop_domain: shop, customer: { id: 5 }, orders_to_redact: [] },
  });
}

/** A worker whose privacy handler is down: every compliance event it tries fails. */
function failingWorker(db: Database, maxAttempts: number): InboxWorker {
  return new InboxWorker({
    inbox: prismaInboxRepository(db, { maxAttempts, retryDelayMs: 1 }),
    store: new MemorySyncStore(),
    compliance: async () => {
      throw new Error("privacy store unavailable");
    },
    workerId: "w",
  });
}

describe.each(await providers())("failing privacy requests on the privacy page, on %s", (provider) => {
  it("given a customers/redact that fails past the inbox's attempt limit, when the page loads, then it is listed for its shop only and still pending", async () => {
    const db = await database(provider);
    await recordRedact(db, SHOP, "r1");
    await recordRedact(db, OTHER, "r2");
    const worker = failingWorker(db, 2);
    for (let pass = 0; pass < 4; pass += 1) {
      await worker.runPass();
      await db.webhookEvent.updateMany({ data: { claimedUntil: null } }); // skip the backoff
    }
    const deps = { privacy: prismaPrivacyRepository(db), requests: prismaPrivacyRequests(db) };
    const page = await loadPrivacyPage(deps, SHOP);
    expect(page.pending).toEqual([
      expect.objectContaining({
        topic: "customers/redact",
        attempts: 4,
        lastError: "Error: privacy store unavailable",
      }),
    ]);
    expect((await loadPrivacyPage(deps, OTHER)).pending).toHaveLength(1);
    expect(await db.webhookEvent.count({ where: { processedAt: { not: null } } })).toBe(0);
  });

  it("given a pending request, when another shop tries to give up on it, then nothing changes; when its own merchant gives up, then it is done with the reason kept and no longer claimed", async () => {
    const db = await database(provider);
    await recordRedact(db, SHOP, "r1");
    await failingWorker(db, 10).runPass();
    const requests = prismaPrivacyRequests(db);
    const [pending] = await requests.pending(SHOP);
    expect(await giveUpPrivacyRequest(requests, OTHER, pending!.id)).toBe(false);
    expect(await requests.pending(SHOP)).toHaveLength(1);

    const now = new Date("2026-12-06T12:00:00Z");
    expect(await giveUpPrivacyRequest(requests, SHOP, pending!.id, now)).toBe(true);
    expect(await requests.pending(SHOP)).toEqual([]);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: pending!.id } });
    expect(row.processedAt).not.toBeNull();
    expect(row.error).toBe(
      "Given up by the merchant at 2026-12-06T12:00:00.000Z after 1 failed attempts: Error: privacy store unavailable",
    );
    await db.webhookEvent.updateMany({ data: { claimedUntil: null } });
    expect(await failingWorker(db, 10).runPass()).toMatchObject({ claimed: 0 });
  });
});
