import { webhookInboxFor } from "../db/webhook-inbox.server.js";
import { env } from "../env.server.js";
import { recordWebhook } from "../services/webhook-inbox.js";
import { verifyWebhook, type VerifiedWebhook } from "./webhook-verification.js";

export type WebhookContext = VerifiedWebhook;

const inbox = webhookInboxFor(env().DATABASE_URL);

/**
 * What every webhook route does: verify the HMAC (a wrong one answers 401 and records nothing), check the topic is
 * the route's, record the event once, then acknowledge. `afterRecord` runs for duplicates too: if it failed the first
 * time (the route answered 500), Shopify's retry arrives as a duplicate and must still get the work done, so it has
 * to be idempotent.
 */
export async function receiveWebhook(
  request: Request,
  expectedTopic: string,
  afterRecord?: (context: WebhookContext) => Promise<void>,
): Promise<Response> {
  const verification = verifyWebhook(request.method, request.headers, await request.text(), env().SHOPIFY_API_SECRET);
  if (!verification.ok) return new Response(verification.reason, { status: verification.status });
  const { webhook } = verification;
  if (webhook.topic !== expectedTopic) {
    return new Response(`This endpoint receives ${expectedTopic}, not ${webhook.topic}`, { status: 400 });
  }
  const outcome = await recordWebhook(inbox, { ...webhook, topic: expectedTopic });
  if (afterRecord) await afterRecord(webhook);
  return new Response(null, { status: 200, headers: { "x-cohort-webhook": outcome } });
}
