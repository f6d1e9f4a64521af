import { backfillOutstanding } from "../../domain/sync/backfill-outstanding.js";
import type { Database } from "../client.server.js";

/** Shop lifecycle records. Every query names the shop: one shop never touches another's rows. */
/**
 * Called after every authentication. A shop coming back (reinstalled, or authenticated again after Shopify refused
 * its token) gets its waiting webhooks released at once, instead of after the retry delay of their failed attempt;
 * nobody holds them meanwhile, since workers do not claim an uninstalled shop's events.
 */
export async function markShopInstalled(db: Database, domain: string, scopes: string | null): Promise<void> {
  const before = await db.shop.findUnique({ where: { domain }, select: { uninstalledAt: true } });
  const now = new Date();
  await db.shop.upsert({
    where: { domain },
    create: { domain, scopes, authenticatedAt: now, scopesUpdatedAt: now },
    update: { scopes, uninstalledAt: null, authenticatedAt: now, scopesUpdatedAt: now },
  });
  if (before?.uninstalledAt) {
    await db.webhookEvent.updateMany({
      where: { shop: domain, processedAt: null, claimedUntil: { not: null } },
      data: { claimedUntil: null, claimedBy: null },
    });
  }
}

/** Whether the shop authenticated (or was otherwise updated as installed) after `since`. */
export async function shopAuthenticatedSince(db: Database, domain: string, since: Date): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { uninstalledAt: true, updatedAt: true } });
  return shop !== null && shop.uninstalledAt === null && shop.updatedAt > since;
}

/**
 * app/uninstalled: the shop's sessions go and background work stops for it. An uninstall triggered before the
 * shop's last token exchange is stale (a retried delivery arriving after a reinstall) and changes nothing: the
 * exchange proves the app was installed after it. Returns whether it applied.
 */
export async function markShopUninstalled(
  db: Database,
  domain: string,
  triggeredAt: Date | null = null,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain }, select: { authenticatedAt: true } });
    if (triggeredAt && shop?.authenticatedAt && shop.authenticatedAt > triggeredAt) return false;
    await tx.session.deleteMany({ where: { shop: domain } });
    await tx.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } });
    return true;
  });
}

/**
 * Shopify refused the shop's offline token (401): as after app/uninstalled, its sessions go and background work
 * skips it, until the next authentication (afterAuth → markShopInstalled) makes it usable again.
 */
export async function markShopAccessRevoked(db: Database, domain: string): Promise<void> {
  await markShopUninstalled(db, domain);
}

/**
 * app/scopes_update: records the granted scopes, unless scopes newer than `triggeredAt` are stored already (from a
 * token exchange, or a later scopes update applied first). Returns whether it applied.
 */
export async function updateShopScopes(
  db: Database,
  domain: string,
  scopes: string,
  triggeredAt: Date | null = null,
): Promise<boolean> {
  const at = triggeredAt ?? new Date();
  return db.$transaction(async (tx) => {
    const updated = await tx.shop.updateMany({
      where: { domain, OR: [{ scopesUpdatedAt: null }, { scopesUpdatedAt: { lte: at } }] },
      data: { scopes, scopesUpdatedAt: at },
    });
    if (updated.count === 0) return false;
    await tx.session.updateMany({ where: { shop: domain }, data: { scope: scopes } });
    return true;
  });
}

/** Scopes as stored: comma-separated, as Shopify sends them. */
function scopeList(scopes: string | null): string[] {
  return scopes ? scopes.split(",").map((scope) => scope.trim()) : [];
}

/** The scopes the shop last granted (empty when unknown). */
export async function grantedScopes(db: Database, domain: string): Promise<string[]> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { scopes: true } });
  return scopeList(shop?.scopes ?? null);
}

/**
 * Installed shops whose backfill of one of these resources is outstanding (`backfillOutstanding`): not started,
 * interrupted, limited to 60 days although all orders are granted now, or failed before `retryFailedBefore` (a
 * failed one waits, instead of hammering Shopify every sweep).
 */
export async function shopsAwaitingBackfill(
  db: Database,
  resources: readonly string[],
  retryFailedBefore: Date,
): Promise<string[]> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true, scopes: true } });
  const states = await db.syncState.findMany({
    where: { shop: { in: shops.map((shop) => shop.domain) }, resource: { in: [...resources] } },
  });
  const stateOf = new Map(states.map((state) => [`${state.shop}\n${state.resource}`, state]));
  const awaiting: string[] = [];
  for (const { domain, scopes } of shops) {
    const waiting = resources.some((resource) => {
      const state = stateOf.get(`${domain}\n${resource}`);
      if (state?.status === "failed") return state.updatedAt < retryFailedBefore;
      return backfillOutstanding(state, scopeList(scopes));
    });
    if (waiting) awaiting.push(domain);
  }
  return awaiting.sort();
}

/** Whether Cohort holds anything about the shop: a Shop row, a session, sync state, or a webhook in the inbox. */
export async function shopKnown(db: Database, domain: string): Promise<boolean> {
  const found = await Promise.all([
    db.shop.findUnique({ where: { domain }, select: { domain: true } }),
    db.session.findFirst({ where: { shop: domain }, select: { id: true } }),
    db.syncState.findFirst({ where: { shop: domain }, select: { shop: true } }),
    db.webhookEvent.findFirst({ where: { shop: domain }, select: { id: true } }),
  ]);
  return found.some((row) => row !== null);
}
