import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../../app/db/client.server.js";
import { applyMigrations } from "../../../../app/db/migrate.server.js";
import { markShopInstalled, markShopUninstalled, shopsAwaitingBackfill } from "../../../../app/db/shop/shops.server.js";
import { freshDatabase, providers, type TestDatabase } from "../../../helpers/databases.js";

const opened: Array<{ database: TestDatabase; db: Database }> = [];
afterAll(async () => {
  for (const { database, db } of opened) {
    await db.$disconnect();
    await database.drop();
  }
});

const RESOURCES = ["customers", "orders"];

describe.each(await providers())("shops awaiting a backfill on %s", (provider) => {
  it("given shops in every sync state, when the worker sweeps, then it picks the installed ones whose backfill is outstanding", async () => {
    const database = await freshDatabase(provider);
    await applyMigrations(database.url);
    const db = createDatabase(database.url);
    opened.push({ database, db });
    const state = (shop: string, resource: string, status: string, limitedToDays: number | null = null) =>
      db.syncState.create({ data: { shop, resource, status, limitedToDays } });
    for (const shop of ["new", "done", "half", "interrupted", "failed", "gone", "recent"]) {
      await markShopInstalled(db, `${shop}.myshopify.com`, "read_orders");
    }
    // All orders granted while its 60-day backfill ran: that backfill still marked itself completed.
    await markShopInstalled(db, "granted.myshopify.com", "read_customers,read_orders,read_all_orders");
    for (const shop of ["recent", "granted"]) {
      await state(`${shop}.myshopify.com`, "customers", "completed");
      await state(`${shop}.myshopify.com`, "orders", "completed", 60);
    }
    await state("done.myshopify.com", "customers", "completed");
    await state("done.myshopify.com", "orders", "completed");
    await state("half.myshopify.com", "customers", "completed");
    await state("interrupted.myshopify.com", "customers", "completed");
    await state("interrupted.myshopify.com", "orders", "running");
    await state("failed.myshopify.com", "customers", "completed");
    await state("failed.myshopify.com", "orders", "failed");
    await markShopUninstalled(db, "gone.myshopify.com");

    const justFailed = await shopsAwaitingBackfill(db, RESOURCES, new Date(Date.now() - 60_000));
    const later = await shopsAwaitingBackfill(db, RESOURCES, new Date(Date.now() + 60_000));

    expect(justFailed).toEqual([
      "granted.myshopify.com",
      "half.myshopify.com",
      "interrupted.myshopify.com",
      "new.myshopify.com",
    ]);
    expect(later).toEqual([
      "failed.myshopify.com",
      "granted.myshopify.com",
      "half.myshopify.com",
      "interrupted.myshopify.com",
      "new.myshopify.com",
    ]);
  });
});
