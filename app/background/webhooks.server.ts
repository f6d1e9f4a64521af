import db from "../db.server.js";
import { markShopUninstalled } from "../db/shop/shops.server.js";
import { webhookInboxFor } from "../db/sync/webhook-inbox.server.js";
import { env } from "../env.server.js";
import { createWebhookReceiver, type AfterRecord } from "../shopify/receive-webhook.server.js";
import { createWebhookListener } from "../shopify/webhook-listener.server.js";
import { applyScopesUpdate } from "./scopes-update.server.js";
import { notifyInbox } from "./worker.server.js";

const wakeWorker: AfterRecord = async () => notifyInbox();

/** Every topic the app receives, with what runs once its event is recorded in the inbox. */
const topics: Readonly<Record<string, AfterRecord>> = {
  "orders/create": wakeWorker,
  "orders/updated": wakeWorker,
  "orders/paid": wakeWorker,
  "orders/cancelled": wakeWorker,
  "orders/delete": wakeWorker,
  "refunds/create": wakeWorker,
  "customers/create": wakeWorker,
  "customers/update": wakeWorker,
  "customers/delete": wakeWorker,
  "customers/data_request": wakeWorker,
  "customers/redact": wakeWorker,
  "shop/redact": wakeWorker,
  // May arrive after the session is gone (a second uninstall webhook, or a retry): deleting nothing is fine. One
  // triggered before the last token exchange (a retry after a reinstall) is ignored.
  "app/uninstalled": async ({ shop, triggeredAt }) => {
    await markShopUninstalled(db, shop, triggeredAt);
  },
  "app/scopes_update": ({ shop, payload, triggeredAt }) => applyScopesUpdate(shop, payload, triggeredAt),
  // The worker tells a backfill waiting in this process that its export finished (it polls anyway).
  "bulk_operations/finish": wakeWorker,
};

const receiver = createWebhookReceiver({
  inbox: webhookInboxFor(env().DATABASE_URL, { sqliteSynchronous: env().COHORT_SQLITE_INBOX_SYNCHRONOUS }),
  apiSecret: env().SHOPIFY_API_SECRET,
  topics,
});

/** The routes `app/routes/webhooks.<topic>.tsx` (the development server). */
export const receiveWebhook = receiver.receive;
/** `server.js` answers deliveries with this before express and Remix see them. */
export const handleWebhookRequest = createWebhookListener(receiver);
