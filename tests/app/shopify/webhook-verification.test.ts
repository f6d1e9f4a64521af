import { describe, expect, it } from "vitest";
import { hmacMatches, verifyWebhook } from "../../../app/shopify/webhook-verification.js";
import { signedWebhook } from "../../helpers/webhooks.js";

const SECRET = "cohort-local-development-secret";

function verify(overrides: { headers?: Record<string, string | null>; body?: string; method?: string } = {}) {
  const delivery = signedWebhook({ topic: "orders/create", shop: "a.myshopify.com", payload: { id: 7 } });
  const headers = new Headers(delivery.headers);
  for (const [name, value] of Object.entries(overrides.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return verifyWebhook(overrides.method ?? "POST", headers, overrides.body ?? delivery.body, SECRET);
}

describe("verifying a webhook delivery", () => {
  it("given a correctly signed delivery, when verified, then its identity and payload are returned", () => {
    const result = verify();
    expect(result.ok && result.webhook).toMatchObject({
      shop: "a.myshopify.com",
      topic: "orders/create",
      apiVersion: "2026-10",
      payload: { id: 7 },
    });
  });

  it("given a body changed after signing, when verified, then it is refused with 401", () => {
    expect(verify({ body: '{"id":8}' })).toMatchObject({ ok: false, status: 401 });
  });

  it("given no signature or one of another length, when verified, then it is refused with 401", () => {
    expect(verify({ headers: { "x-shopify-hmac-sha256": null } })).toMatchObject({ ok: false, status: 401 });
    expect(verify({ headers: { "x-shopify-hmac-sha256": "c2hvcnQ=" } })).toMatchObject({ ok: false, status: 401 });
    expect(hmacMatches("{}", SECRET, "not base64 at all")).toBe(false);
  });

  it("given a signed delivery without its shop or topic, when verified, then it is refused with 400 naming them", () => {
    const result = verify({ headers: { "x-shopify-shop-domain": null, "x-shopify-topic": null } });
    expect(result).toMatchObject({ ok: false, status: 400, reason: "Missing X-Shopify-Shop-Domain, X-Shopify-Topic" });
  });

  it("given a signed delivery for a domain that is not a shop, when verified, then it is refused with 400", () => {
    expect(verify({ headers: { "x-shopify-shop-domain": "evil.example.com" } })).toMatchObject({ status: 400 });
  });

  it("given no event id, when verified, then the webhook id stands in for it", () => {
    const result = verify({ headers: { "x-shopify-event-id": null, "x-shopify-webhook-id": "wh-9" } });
    expect(result.ok && result.webhook.eventId).toBe("wh-9");
  });

  it("given a GET, when verified, then it is refused with 405", () => {
    expect(verify({ method: "GET" })).toMatchObject({ ok: false, status: 405 });
  });
});
