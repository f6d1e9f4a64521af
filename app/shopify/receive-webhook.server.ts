import db from "../db.server.js";
import { markShopUninstalled } from "../db/shops.server.js";
import { webhookInboxFor } from "../db/webhook-inbox.server.js";
import { env } from "../env.server.js";
import { recordWebhook } from "../services/webhook-inbox.js";
import { notifyInbox } from "../worker.server.js";
import { applyScopesUpdate } from "./scopes-update.server.js";
import { verifyWebhook, type HeaderSource, type VerifiedWebhook } from "./webhook-verification.js";

export type WebhookContext = VerifiedWebhook;

type AfterRecord = (context: WebhookContext) => Promise<void>;

const wakeWorker: AfterRecord = async () => notifyInbox();

/**
 * Every topic the app receives, each at `/webhooks/<topic>` (its route file is named after it), with what runs once
 * the event is recorded. `afterRecord` runs for duplicates too: if it failed the first time (the delivery answered
 * 500), Shopify's retry arrives as a duplicate and must still get the work done, so it has to be idempotent.
 */
export const WEBHOOK_TOPICS: Readonly<Record<string, AfterRecord>> = {
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
  // May arrive after the session is gone (a second uninstall webhook, or a retry): deleting nothing is fine.
  "app/uninstalled": ({ shop }) => markShopUninstalled(db, shop),
  "app/scopes_update": ({ shop, payload }) => applyScopesUpdate(shop, payload),
  // The worker tells a backfill waiting in this process that its export finished (it polls anyway).
  "bulk_operations/finish": wakeWorker,
};

const inbox = webhookInboxFor(env().DATABASE_URL);

export interface WebhookAnswer {
  status: number;
  /** Why a delivery was refused; empty for 200. */
  body: string;
  /** `recorded` or `duplicate`, for 200 only. */
  outcome?: string;
}

/**
 * What every webhook delivery gets, whichever server received it: verify the HMAC (a wrong one answers 401 and
 * records nothing), check the topic is the endpoint's, record the event once (durably: the answer waits for the
 * write), run the topic's follow-up, then acknowledge.
 */
export async function acknowledgeWebhook(
  expectedTopic: string,
  method: string,
  headers: HeaderSource,
  rawBody: string | Buffer,
): Promise<WebhookAnswer> {
  const verification = verifyWebhook(method, headers, rawBody, env().SHOPIFY_API_SECRET);
  if (!verification.ok) return { status: verification.status, body: verification.reason };
  const { webhook } = verification;
  if (webhook.topic !== expectedTopic) {
    return { status: 400, body: `This endpoint receives ${expectedTopic}, not ${webhook.topic}` };
  }
  const outcome = await recordWebhook(inbox, { ...webhook, topic: expectedTopic });
  const afterRecord = WEBHOOK_TOPICS[expectedTopic];
  if (afterRecord) await afterRecord(webhook);
  return { status: 200, body: "", outcome };
}

/** The Remix route action of `/webhooks/<topic>` (used by the development server; see `webhook-listener.server.ts`). */
export async function receiveWebhook(request: Request, expectedTopic: string): Promise<Response> {
  const answer = await acknowledgeWebhook(expectedTopic, request.method, request.headers, await request.text());
  return answer.status === 200
    ? new Response(null, { status: 200, headers: { "x-cohort-webhook": answer.outcome ?? "recorded" } })
    : new Response(answer.body, { status: answer.status });
}
