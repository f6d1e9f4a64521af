import db from "../db.server.js";
import { prismaWebhookInbox } from "../db/webhook-inbox.server.js";
import { recordWebhook, type RecordOutcome } from "../services/webhook-inbox.js";
import { authenticate } from "../shopify.server.js";

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

const inbox = prismaWebhookInbox(db);

/**
 * What every webhook route does: verify the HMAC (a wrong one answers 401 and records nothing), check the topic is
 * the route's, record the event once, then acknowledge. `afterRecord` runs only for the first delivery of an event.
 */
export async function receiveWebhook(
  request: Request,
  expectedTopic: string,
  afterRecord?: (context: WebhookContext) => Promise<void>,
): Promise<Response> {
  const deliveredTopic = request.headers.get("x-shopify-topic");
  const context = await authenticate.webhook(request);
  if (deliveredTopic !== expectedTopic) {
    return new Response(`This endpoint receives ${expectedTopic}, not ${deliveredTopic ?? "(no topic)"}`, {
      status: 400,
    });
  }
  const eventId = "eventId" in context && context.eventId ? context.eventId : context.webhookId;
  const triggeredAt = "triggeredAt" in context && context.triggeredAt ? new Date(context.triggeredAt) : null;
  const outcome: RecordOutcome = await recordWebhook(inbox, {
    shop: context.shop,
    topic: expectedTopic,
    eventId,
    webhookId: context.webhookId,
    apiVersion: context.apiVersion,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    payload: context.payload,
  });
  if (outcome === "recorded" && afterRecord) await afterRecord(context);
  return new Response(null, { status: 200, headers: { "x-cohort-webhook": outcome } });
}
