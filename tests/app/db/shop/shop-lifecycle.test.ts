import { describe, expect, it } from "vitest";
import type { Database } from "../../../../app/db/client.server.js";
import { markShopInstalled, markShopUninstalled, updateShopScopes } from "../../../../app/db/shop/shops.server.js";
import { providers } from "../../../helpers/databases.js";
import { migratedDatabases } from "../../../helpers/migrated-databases.js";

const SHOP = "lifecycle.myshopify.com";

const openDatabase = migratedDatabases();
const database = async (provider: "sqlite" | "postgresql"): Promise<Database> => (await openDatabase(provider)).db;

/** What a token exchange leaves: the offline session and the installation recorded (afterAuth). */
async function authenticate(db: Database, scopes: string): Promise<void> {
  await db.session.upsert({
    where: { id: `offline_${SHOP}` },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "token", scope: scopes },
    update: { accessToken: "token", scope: scopes },
  });
  await markShopInstalled(db, SHOP, scopes);
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe.each(await providers())("a shop's lifecycle webhooks arriving late, on %s", (provider) => {
  it("given a shop uninstalled and reinstalled, when a retried app/uninstalled from before the reinstall arrives, then the fresh session stays and the shop stays installed", async () => {
    const db = await database(provider);
    await authenticate(db, "read_orders");
    expect(await markShopUninstalled(db, SHOP, minutesAgo(0))).toBe(true);
    await authenticate(db, "read_orders"); // the reinstall

    expect(await markShopUninstalled(db, SHOP, minutesAgo(5))).toBe(false);

    expect(await db.session.count({ where: { shop: SHOP } })).toBe(1);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({ uninstalledAt: null });
  });

  it("given an installed shop, when an app/uninstalled triggered after its last token exchange arrives, then its sessions go and it is uninstalled", async () => {
    const db = await database(provider);
    await authenticate(db, "read_orders");
    expect(await markShopUninstalled(db, SHOP, new Date(Date.now() + 1_000))).toBe(true);
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).not.toBeNull();
  });

  it("given two app/scopes_update deliveries arriving newest first, when both are applied, then the newer scopes stay", async () => {
    const db = await database(provider);
    await authenticate(db, "read_orders");
    const later = new Date(Date.now() + 2_000);
    const earlier = new Date(Date.now() + 1_000);
    expect(await updateShopScopes(db, SHOP, "read_orders,read_all_orders", later)).toBe(true);
    expect(await updateShopScopes(db, SHOP, "read_orders", earlier)).toBe(false);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe("read_orders,read_all_orders");
    expect((await db.session.findFirstOrThrow({ where: { shop: SHOP } })).scope).toBe("read_orders,read_all_orders");
  });

  it("given scopes granted at a token exchange, when an app/scopes_update triggered before it arrives, then the exchange's scopes stay", async () => {
    const db = await database(provider);
    await authenticate(db, "read_orders,read_all_orders");
    expect(await updateShopScopes(db, SHOP, "read_orders", minutesAgo(10))).toBe(false);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe("read_orders,read_all_orders");
  });
});
