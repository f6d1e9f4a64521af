import type { Database } from "./client.server.js";

/** Shop lifecycle records. Every query names the shop: one shop never touches another's rows. */
export async function markShopInstalled(db: Database, domain: string, scopes: string | null): Promise<void> {
  await db.shop.upsert({
    where: { domain },
    create: { domain, scopes },
    update: { scopes, uninstalledAt: null },
  });
}

export async function markShopUninstalled(db: Database, domain: string): Promise<void> {
  await db.$transaction([
    db.session.deleteMany({ where: { shop: domain } }),
    db.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } }),
  ]);
}

/**
 * Shopify refused the shop's offline token (401): as after app/uninstalled, its sessions go and background work
 * skips it, until the next authentication (afterAuth → markShopInstalled) makes it usable again.
 */
export async function markShopAccessRevoked(db: Database, domain: string): Promise<void> {
  await markShopUninstalled(db, domain);
}

export async function updateShopScopes(db: Database, domain: string, scopes: string): Promise<void> {
  await db.$transaction([
    db.session.updateMany({ where: { shop: domain }, data: { scope: scopes } }),
    db.shop.updateMany({ where: { domain }, data: { scopes } }),
  ]);
}
