import { randomUUID } from "node:crypto";
import db from "../db.server.js";
import { prismaInboxRepository } from "../db/sync/inbox-repository.server.js";
import { prismaOrderDeletion } from "../db/sync/order-deletion.server.js";
import { prismaPrivacyRepository } from "../db/privacy/privacy.server.js";
import { markShopAccessRevoked } from "../db/shop/shops.server.js";
import { prismaSyncStore } from "../db/sync/sync-store.server.js";
import { prismaWatermarks } from "../db/sync/watermarks.server.js";
import { env } from "../env.server.js";
import { bulkOperationFinished } from "../services/sync/bulk-finish-notifier.js";
import { applyInboxRetention } from "../services/sync/inbox-retention.js";
import { InboxWorker } from "../services/sync/inbox-worker.js";
import { applyDataRequestRetention } from "../services/privacy/data-request-retention.js";
import { handleComplianceEvent } from "../services/privacy/privacy.js";
import { adminRecordsReader, reconcileAll } from "../services/sync/reconciliation.js";
import { type ShopifyRecordsReader } from "../services/sync/ports.js";
import type { ShopAccessRevoked } from "../services/shop/ports.js";
import { adminClientForShop } from "../shopify/offline-admin.server.js";
import { scheduleAwaitingBackfills } from "./backfill-runner.server.js";
import { reevaluateCustomers, runDueSegmentEvaluations } from "./segments.server.js";
import { markChangedCustomers, pushShopTags, shopsWithPendingTags, purgeTagAudit } from "./tagging.server.js";
import { shopPushLoops } from "../services/tagging/shop-push-loops.js";
import { PUSH_BATCH } from "../services/tagging/tag-push.js";

/**
 * The process's background work: the inbox worker (woken by each recorded webhook, and every few seconds), the
 * reconciliation schedule (on start, then every `RECONCILE_EVERY_MS`), the inbox retention (on start, then
 * hourly), the daily segment evaluation at each shop's midnight (looked for every five minutes) and the sweep
 * that starts or resumes outstanding backfills (on start, then every minute). Started once per process from
 * entry.server.tsx; every piece skips uninstalled shops.
 */
const RECONCILE_EVERY_MS = 15 * 60_000;
const INBOX_RETENTION_EVERY_MS = 60 * 60_000;
/** Shops whose tags are pushed at once: a shop waiting on its bulk operation holds only its own slot. */
const SHOPS_PUSHED_AT_ONCE = 4;
/** How often the worker looks for shops whose local day has begun since their last segment evaluation. */
const SEGMENT_SCHEDULE_EVERY_MS = 5 * 60_000;

declare global {
  // One set of loops per process, even across Vite's module reloads in development.
  var cohortBackground: { wake: () => void; pushTags: () => void } | undefined;
}

/** Reads each shop through its own throttle-aware Admin client (one bucket per shop). */
function perShopReader(): ShopifyRecordsReader {
  const readers = new Map<string, ShopifyRecordsReader>();
  const readerFor = (shop: string) => {
    let reader = readers.get(shop);
    if (!reader) {
      reader = adminRecordsReader(adminClientForShop(shop).asAdminGraphql());
      readers.set(shop, reader);
    }
    return reader;
  };
  return {
    fetchOrder: (shop, id) => readerFor(shop).fetchOrder(shop, id),
    fetchOrders: (shop, ids) => readerFor(shop).fetchOrders(shop, ids),
    fetchCustomer: (shop, id) => readerFor(shop).fetchCustomer(shop, id),
    ordersUpdatedSince: (shop, since, after) => readerFor(shop).ordersUpdatedSince(shop, since, after),
    customersUpdatedSince: (shop, since, after) => readerFor(shop).customersUpdatedSince(shop, since, after),
  };
}

function log(message: string, error?: unknown): void {
  console.error(`[cohort] ${message}`, error instanceof Error ? error.message : (error ?? ""));
}

/** Shopify refused the shop's token: no more work for it until it authenticates again. */
const stopShop: ShopAccessRevoked = async (shop, reason) => {
  log(`Shopify refused the token of ${shop}; its work stops until it authenticates again:`, reason);
  await markShopAccessRevoked(db, shop);
};

export function startBackgroundWork(): void {
  const config = env();
  if (globalThis.cohortBackground || config.COHORT_BACKGROUND === "off") return;
  const store = prismaSyncStore(db, config.DATABASE_URL);
  const reader = perShopReader();
  const privacy = prismaPrivacyRepository(db);
  const inbox = prismaInboxRepository(db);
  const worker = new InboxWorker({
    inbox,
    store,
    reader,
    compliance: (shop, topic, payload) => handleComplianceEvent(privacy, shop, topic, payload),
    orderDeletions: prismaOrderDeletion(db),
    onAccessRevoked: stopShop,
    onBulkOperationFinished: bulkOperationFinished,
    onCustomersChanged: async (shop, customerIds, eventIds) => {
      await reevaluateCustomers(shop, customerIds, eventIds);
      await markChangedCustomers(shop, customerIds, eventIds);
    },
    workerId: `${process.pid}-${randomUUID()}`,
    batchSize: config.COHORT_INBOX_BATCH,
    log: (message, level) => (level === "error" ? log(`ERROR ${message}`) : log(message)),
  });

  let draining: Promise<void> | null = null;
  let again = false;
  const wake = (): void => {
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        await worker.drain().catch((error: unknown) => log("inbox pass failed", error));
        pushTags();
      } while (again);
    })().finally(() => {
      draining = null;
    });
  };

  // The tag outbox, drained after every inbox pass and on the poll: a loop per shop, several shops at once.
  const tagPushers = shopPushLoops({
    shopsWithPendingTags,
    pushShop: (shop) =>
      pushShopTags(shop, { maxBatches: 1 }).catch((error: unknown) => {
        log(`tag push of ${shop} failed (its customers stay marked)`, error);
        return null;
      }),
    fullBatch: PUSH_BATCH,
    maxShopsAtOnce: SHOPS_PUSHED_AT_ONCE,
    onError: (error) => log("tag push failed", error),
  });
  const pushTags = (): void => tagPushers.trigger();

  let reconciling = false;
  const reconcile = (): void => {
    if (reconciling) return;
    reconciling = true;
    void reconcileAll({ reader, store, watermarks: prismaWatermarks(db), onAccessRevoked: stopShop }, (shop, error) =>
      log(`reconciliation of ${shop} failed`, error),
    )
      .catch((error: unknown) => log("reconciliation failed", error))
      .finally(() => {
        reconciling = false;
      });
  };

  const purgeInbox = (): void => {
    void applyInboxRetention(inbox).catch((error: unknown) => log("inbox retention failed", error));
    void applyDataRequestRetention(privacy).catch((error: unknown) => log("data request retention failed", error));
    void purgeTagAudit().catch((error: unknown) => log("tag audit retention failed", error));
  };

  const sweepBackfills = (): void => {
    void scheduleAwaitingBackfills().catch((error: unknown) => log("backfill sweep failed", error));
  };

  let evaluating = false;
  const evaluateDueSegments = (): void => {
    if (evaluating) return;
    evaluating = true;
    void runDueSegmentEvaluations((shop, error) => log(`daily segment evaluation of ${shop} failed`, error))
      .catch((error: unknown) => log("daily segment evaluation failed", error))
      .finally(() => {
        evaluating = false;
      });
  };

  const timers = [
    setInterval(wake, config.COHORT_INBOX_POLL_MS),
    setInterval(pushTags, config.COHORT_INBOX_POLL_MS),
    setInterval(evaluateDueSegments, SEGMENT_SCHEDULE_EVERY_MS),
    setInterval(sweepBackfills, config.COHORT_BACKFILL_SWEEP_MS),
    setInterval(reconcile, RECONCILE_EVERY_MS),
    setInterval(purgeInbox, INBOX_RETENTION_EVERY_MS),
  ];
  for (const timer of timers) timer.unref();
  // On shutdown the loops stop touching the database, so its pool can drain and the process exit.
  const stop = (): void => timers.forEach((timer) => clearInterval(timer));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  globalThis.cohortBackground = { wake, pushTags };
  wake();
  reconcile();
  purgeInbox();
  sweepBackfills();
  evaluateDueSegments();
}

/** Called after a webhook is recorded: apply it soon, outside the request. */
export function notifyInbox(): void {
  globalThis.cohortBackground?.wake();
}
