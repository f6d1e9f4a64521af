import { describe, expect, it } from "vitest";
import * as jose from "jose";
import { Router, type EmulatorResponse } from "../http.js";
import {
  ID_TOKEN_TYPE,
  OFFLINE_ACCESS_TOKEN_TYPE,
  ONLINE_ACCESS_TOKEN_TYPE,
  registerOAuth,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from "./oauth.js";
import { mintSessionToken } from "./session-token.js";
import { authenticateAccessToken, getInstallation, issueOfflineToken, installApp } from "./tokens.js";
import { fakeRequest, testContext } from "../test-support.js";

function setup() {
  const { ctx, clock } = testContext(new Date());
  const shop = ctx.store.createShop({ domain: "demo.myshopify.com" });
  const router = new Router();
  registerOAuth(router, ctx);
  async function post(body: Record<string, string>, options: { form?: boolean; shopDomain?: string } = {}) {
    const request = fakeRequest("POST", "/admin/oauth/access_token", {
      body: options.form ? new URLSearchParams(body).toString() : JSON.stringify(body),
      headers: { "content-type": options.form ? "application/x-www-form-urlencoded" : "application/json" },
      shopDomain: options.shopDomain ?? shop.domain,
    });
    const matched = router.match("POST", request.path);
    if (!matched) throw new Error("route missing");
    const response: EmulatorResponse = await matched.handler(request);
    return { status: response.status, body: JSON.parse(String(response.body)) as Record<string, unknown> };
  }
  const exchange = (subjectToken: string, extra: Record<string, string> = {}) =>
    post({
      client_id: "test-api-key",
      client_secret: "test-api-secret",
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: subjectToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: OFFLINE_ACCESS_TOKEN_TYPE,
      expiring: "1",
      ...extra,
    });
  return { ctx, clock, shop, post, exchange };
}

describe("POST /admin/oauth/access_token token exchange", () => {
  it("given a valid session token on a shop without the app, when exchanged for an expiring offline token, then the app is installed and Shopify's body comes back", async () => {
    const { ctx, shop, exchange } = setup();
    const { status, body } = await exchange(mintSessionToken(ctx, { shopDomain: shop.domain }));
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "refresh_token_expires_in",
      "scope",
    ]);
    expect(body).toMatchObject({
      scope: "read_customers,write_customers,read_orders",
      expires_in: 3600,
      refresh_token_expires_in: 7_776_000,
    });
    expect(body.access_token).toMatch(/^shpat_/);
    expect(body.refresh_token).toMatch(/^shprt_/);
    expect(getInstallation(ctx, shop.id)).toMatchObject({ uninstalledAt: null });
    expect(authenticateAccessToken(ctx, String(body.access_token)).ok).toBe(true);
  });

  it("given expiring 0, when exchanged, then a non-expiring offline token comes back with only access_token and scope", async () => {
    const { ctx, shop, exchange } = setup();
    const { body } = await exchange(mintSessionToken(ctx, { shopDomain: shop.domain }), { expiring: "0" });
    expect(Object.keys(body).sort()).toEqual(["access_token", "scope"]);
  });

  it("given a form-encoded body, when exchanged, then it is accepted as JSON is", async () => {
    const { ctx, shop, post } = setup();
    const { status } = await post(
      {
        client_id: "test-api-key",
        client_secret: "test-api-secret",
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: mintSessionToken(ctx, { shopDomain: shop.domain }),
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: OFFLINE_ACCESS_TOKEN_TYPE,
      },
      { form: true },
    );
    expect(status).toBe(200);
  });

  it("given an online request, when exchanged, then the associated user is the session token's sub", async () => {
    const { ctx, shop, exchange } = setup();
    const { status, body } = await exchange(mintSessionToken(ctx, { shopDomain: shop.domain, userId: 77 }), {
      requested_token_type: ONLINE_ACCESS_TOKEN_TYPE,
    });
    expect(status).toBe(200);
    expect(body.access_token).toMatch(/^shpua_/);
    expect(body).toMatchObject({
      expires_in: 86_399,
      associated_user_scope: "read_customers,write_customers,read_orders",
      associated_user: {
        id: 77,
        first_name: "Shop",
        last_name: "Owner",
        email: shop.email,
        account_owner: true,
        locale: "en",
        collaborator: false,
        email_verified: true,
      },
    });
  });

  it("given a forged signature, when exchanged, then 400 invalid_subject_token", async () => {
    const { ctx, shop, exchange } = setup();
    const forged = mintSessionToken(
      { ...ctx, config: { ...ctx.config, app: { ...ctx.config.app, apiSecret: "stolen?" } } },
      { shopDomain: shop.domain },
    );
    const { status, body } = await exchange(forged);
    expect(status).toBe(400);
    expect(body).toEqual({ error: "invalid_subject_token", error_description: expect.any(String) });
    expect(getInstallation(ctx, shop.id)).toBeNull();
  });

  it("given an expired session token, when exchanged, then 400 invalid_subject_token", async () => {
    const { ctx, shop, exchange, clock } = setup();
    const token = mintSessionToken(ctx, { shopDomain: shop.domain });
    clock.advance(75);
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("given a session token for another app, when exchanged, then 400 invalid_subject_token", async () => {
    const { shop, exchange } = setup();
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({ dest: `https://${shop.domain}` })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(`https://${shop.domain}/admin`)
      .setAudience("someone-else")
      .setNotBefore(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode("test-api-secret"));
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("given a session token for another shop, when exchanged on this shop, then 400 invalid_subject_token", async () => {
    const { ctx, exchange } = setup();
    ctx.store.createShop({ domain: "other.myshopify.com" });
    const token = mintSessionToken(ctx, { shopDomain: "other.myshopify.com" });
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("given a wrong client secret, when exchanged, then 401 invalid_client", async () => {
    const { ctx, shop, exchange } = setup();
    const result = await exchange(mintSessionToken(ctx, { shopDomain: shop.domain }), { client_secret: "nope" });
    expect(result).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("given an unknown shop, when posted, then 404", async () => {
    const { ctx, shop, post } = setup();
    const result = await post(
      { subject_token: mintSessionToken(ctx, { shopDomain: shop.domain }) },
      { shopDomain: "ghost.myshopify.com" },
    );
    expect(result.status).toBe(404);
  });

  it("given a non-expiring offline token, when migrated, then an expiring pair replaces it", async () => {
    const { ctx, shop, exchange } = setup();
    installApp(ctx, shop.id);
    const legacy = issueOfflineToken(ctx, shop.id, "test-api-key", { expiring: false });
    const { status, body } = await exchange(legacy.accessToken, { subject_token_type: OFFLINE_ACCESS_TOKEN_TYPE });
    expect(status).toBe(200);
    expect(body.refresh_token).toMatch(/^shprt_/);
    expect(authenticateAccessToken(ctx, legacy.accessToken).ok).toBe(false);
  });
});

describe("POST /admin/oauth/access_token refresh", () => {
  it("given a refresh token, when refreshed twice, then it rotates and the spent one is refused", async () => {
    const { ctx, shop, exchange, post } = setup();
    const first = await exchange(mintSessionToken(ctx, { shopDomain: shop.domain }));
    const refresh = (token: unknown) =>
      post({
        client_id: "test-api-key",
        client_secret: "test-api-secret",
        grant_type: "refresh_token",
        refresh_token: String(token),
      });
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(Object.keys(second.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "refresh_token_expires_in",
      "scope",
    ]);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    expect(await refresh(first.body.refresh_token)).toEqual({
      status: 401,
      body: { error: "invalid_request", error_description: "This request requires an active refresh_token" },
    });
    expect((await refresh("shprt_unknown")).status).toBe(401);
  });
});
