import { describe, expect, it } from "vitest";
import type { Database } from "../../../../app/db/client.server.js";
import { shopKnown } from "../../../../app/db/shop/shops.server.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";

const SHOP = "known.myshopify.com";

const openDatabase = migratedDatabases();
const database = async (provider: "sqlite" | "postgresql"): Promise<Database> => (await openDatabase(provider)).db;

const traces: Record<string, (db: Database) => Promise<unknown>> = {
  "an installation": (db) => db.shop.create({ data: { domain: SHOP } }),
  "a session": (db) => db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "t" } }),
  "a sync state": (db) => db.syncState.create({ data: { shop: SHOP, resource: "customers", status: "idle" } }),
  "a webhook": (db) =>
    db.webhookEvent.create({
      data: { shop: SHOP, topic: "shop/redact", eventId: "e", webhookId: "w", apiVersion: "2026-10", payload: "{}" },
    }),
};

describe.each(await providers())("which shops Cohort knows, on %s", (provider) => {
  it("given nothing about the shop, only about another one, when asked, then it is unknown", async () => {
    const db = await database(provider);
    await db.shop.create({ data: { domain: "other.myshopify.com" } });
    expect(await shopKnown(db, SHOP)).toBe(false);
  });

  it.each(Object.keys(traces))("given %s of the shop, when asked, then it is known", async (trace) => {
    const db = await database(provider);
    await traces[trace]!(db);
    expect(await shopKnown(db, SHOP)).toBe(true);
  });
});
