import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies a Shopify webhook delivery: `X-Shopify-Hmac-Sha256` must be the base64 HMAC-SHA256 of the exact raw
 * body keyed with the app secret, and the identifying headers must be present. Done here rather than through
 * `authenticate.webhook`, which also loads (and may refresh) the shop's offline session: recording an event needs
 * no Shopify access, and acknowledgement must stay within milliseconds.
 */
export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  /** Same across duplicate deliveries of one event; the webhook id when Shopify sends none. */
  eventId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: unknown;
}

export type WebhookVerification =
  { ok: true; webhook: VerifiedWebhook } | { ok: false; status: 400 | 401 | 405; reason: string };

/** Where the delivery's headers are read from: Fetch `Headers`, or a Node request's through a small wrapper. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** `rawBody` as received: the bytes, or their UTF-8 text. */
export function hmacMatches(rawBody: string | Buffer, secret: string, header: string | null): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(header, "base64");
  return received.length === expected.length && timingSafeEqual(received, expected);
}

export function verifyWebhook(
  method: string,
  headers: HeaderSource,
  rawBody: string | Buffer,
  secret: string,
): WebhookVerification {
  if (method !== "POST") return { ok: false, status: 405, reason: "Webhooks are delivered with POST" };
  if (!hmacMatches(rawBody, secret, headers.get("x-shopify-hmac-sha256"))) {
    return { ok: false, status: 401, reason: "HMAC verification failed" };
  }
  const shop = headers.get("x-shopify-shop-domain");
  const topic = headers.get("x-shopify-topic");
  const webhookId = headers.get("x-shopify-webhook-id");
  const apiVersion = headers.get("x-shopify-api-version");
  const missing = [
    ["X-Shopify-Shop-Domain", shop],
    ["X-Shopify-Topic", topic],
    ["X-Shopify-Webhook-Id", webhookId],
    ["X-Shopify-API-Version", apiVersion],
  ].filter(([, value]) => !value);
  if (missing.length) {
    return { ok: false, status: 400, reason: `Missing ${missing.map(([name]) => name).join(", ")}` };
  }
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop!)) {
    return { ok: false, status: 400, reason: `Not a shop domain: ${shop}` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(typeof rawBody === "string" ? rawBody : rawBody.toString("utf8"));
  } catch {
    return { ok: false, status: 400, reason: "Body is not JSON" };
  }
  const triggered = headers.get("x-shopify-triggered-at");
  const triggeredAt = triggered ? new Date(triggered) : null;
  return {
    ok: true,
    webhook: {
      shop: shop!,
      topic: topic!,
      webhookId: webhookId!,
      eventId: headers.get("x-shopify-event-id") || webhookId!,
      apiVersion: apiVersion!,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      payload,
    },
  };
}
