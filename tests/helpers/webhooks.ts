import { createHmac, randomUUID } from "node:crypto";
import { LOCAL_API_SECRET } from "../../scripts/local-shopify.js";

/** A webhook delivery as Shopify sends it (headers and raw body), signed with `secret`. */
export function signedWebhook(options: {
  topic: string;
  shop: string;
  payload: unknown;
  secret?: string;
  eventId?: string;
  webhookId?: string;
  apiVersion?: string;
}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(options.payload);
  const hmac = createHmac("sha256", options.secret ?? LOCAL_API_SECRET)
    .update(body, "utf8")
    .digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": options.topic,
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-shop-domain": options.shop,
      "x-shopify-api-version": options.apiVersion ?? "2026-10",
      "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
      "x-shopify-event-id": options.eventId ?? randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  };
}
