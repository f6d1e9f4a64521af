import db from "../db.server.js";
import {
  grantedScopes,
  markShopAccessRevoked,
  shopAuthenticatedSince,
  shopsAwaitingBackfill,
} from "../db/shop/shops.server.js";
import { prismaSyncStore } from "../db/sync/sync-store.server.js";
import { env } from "../env.server.js";
import { bulkFinishNotifier, finishWaiterFor } from "../services/sync/bulk-finish-notifier.js";
import { isAccessRevoked } from "../services/shop/shop-access.js";
import { backfillOutstanding } from "../domain/sync/backfill-outstanding.js";
import { runBackfill, type BackfillProgress, type BackfillResult } from "../services/sync/backfill.js";
import { SYNC_RESOURCES, type SyncResource } from "../services/sync/ports.js";
import { systemClock } from "../shopify/admin-client.server.js";
import { bulkDownloader } from "../shopify/bulk-download.server.js";
import { backgroundAdmin, backgroundFetch } from "../shopify/offline-admin.server.js";
import { prismaSyncStateStore } from "../db/sync/sync-state.server.js";
import { evaluateShopSegments } from "./segments.server.js";

export interface BackfillShopOptions {
  resources?: readonly SyncResource[];
  full?: boolean;
  signal?: AbortSignal;
  onProgress?(progress: BackfillProgress): void;
}

/**
 * Backfills a shop with everything wired for this process: the command line and the install hook use it. When
 * Shopify refuses the shop's token (401) the shop's work stops until it authenticates again (shop-access.ts), and
 * the error is rethrown: the interrupted backfill resumes after the next authentication.
 */
export async function backfillShop(shop: string, options: BackfillShopOptions = {}): Promise<BackfillResult[]> {
  const startedAt = new Date();
  try {
    const results = await backfillResources(shop, options);
    // The segments see the whole history at once; a failure here leaves the backfill done (the daily run retries).
    await evaluateShopSegments(shop, "backfill").catch((error: unknown) =>
      console.error(`[cohort] segments of ${shop} after its backfill:`, error instanceof Error ? error.message : error),
    );
    return results;
  } catch (error) {
    // A 401 on a token older than the shop's last authentication is stale, not a revocation.
    if (isAccessRevoked(error) && !(await shopAuthenticatedSince(db, shop, startedAt))) {
      await markShopAccessRevoked(db, shop);
    }
    throw error;
  }
}

async function backfillResources(shop: string, options: BackfillShopOptions): Promise<BackfillResult[]> {
  const admin = backgroundAdmin(shop);
  const results: BackfillResult[] = [];
  for (const resource of options.resources ?? SYNC_RESOURCES) {
    results.push(
      await runBackfill(
        {
          graphql: (document, variables) => admin.client.execute(document, variables, { signal: options.signal }),
          scopes: admin.scopes,
          download: bulkDownloader(backgroundFetch()),
          store: prismaSyncStore(db, env().DATABASE_URL),
          state: prismaSyncStateStore(db),
          clock: systemClock,
          // Woken by the inbox worker's bulk_operations/finish when it runs in this process; polling stays.
          waitForFinish: finishWaiterFor(bulkFinishNotifier, shop),
          onProgress: options.onProgress,
        },
        { shop, resource, full: options.full, signal: options.signal },
      ),
    );
  }
  return results;
}

const running = new Map<string, Promise<void>>();
/** Shops authenticated again while their backfill ran: it may have been using the token Shopify refused. */
const runAgain = new Set<string>();

/**
 * On install (every token exchange calls it), backfill once: shops whose backfill completed are left to webhooks
 * and reconciliation; an interrupted one resumes. Runs in the background, one at a time per shop; a call after an
 * authentication during a run runs it again afterwards (the running one may hold a refused token).
 */
export function scheduleInstallBackfill(shop: string, options: { rerunIfRunning?: boolean } = {}): void {
  if (env().COHORT_BACKGROUND === "off") return;
  if (running.has(shop)) {
    if (options.rerunIfRunning) runAgain.add(shop);
    return;
  }
  const work = (async () => {
    const states = await prismaSyncStateStore(db).list(shop);
    const scopes = await grantedScopes(db, shop);
    const pending = SYNC_RESOURCES.filter((resource) =>
      backfillOutstanding(
        states.find((state) => state.resource === resource),
        scopes,
      ),
    );
    if (pending.length) await backfillShop(shop, { resources: pending });
  })()
    .catch((error: unknown) => {
      console.error(`[cohort] backfill of ${shop} failed:`, error instanceof Error ? error.message : error);
    })
    .finally(() => {
      running.delete(shop);
      if (runAgain.delete(shop)) scheduleInstallBackfill(shop);
    });
  running.set(shop, work);
}

/** How long a failed backfill waits before the sweep tries it again. */
const FAILED_BACKFILL_RETRY_MS = 15 * 60_000;

/**
 * The background worker's sweep (on start, then every minute): starts or resumes the backfill of every installed
 * shop whose backfill is outstanding (`shopsAwaitingBackfill`). It is what backfills a new shop when the web process runs with
 * COHORT_BACKGROUND=off beside `npm run worker` (the web process's install hook then only records the install),
 * and what resumes backfills interrupted by a restart.
 */
export async function scheduleAwaitingBackfills(now = Date.now()): Promise<string[]> {
  const shops = await shopsAwaitingBackfill(db, SYNC_RESOURCES, new Date(now - FAILED_BACKFILL_RETRY_MS));
  for (const shop of shops) scheduleInstallBackfill(shop);
  return shops;
}
