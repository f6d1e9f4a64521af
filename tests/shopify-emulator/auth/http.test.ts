import { afterEach, describe, expect, it } from "vitest";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { startEmulator, type RunningEmulator } from "../server.js";
import { SHOP_ROUTING_HEADER } from "../http.js";
import { testContext } from "../test-support.js";

let emulator: RunningEmulator | null = null;
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function start() {
  const { ctx } = testContext(new Date());
  emulator = await startEmulator({ config: ctx.config });
  const shop = emulator.store.createShop({ domain: "demo.myshopify.com" });
  const url = emulator.url;
  // Route the library's https://<shop>/… requests to the local Shopify, as the app's routing hook does.
  setAbstractFetchFunc(async (input, init) => {
    const target = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    headers.set(SHOP_ROUTING_HEADER, target.hostname);
    return fetch(`${url}${target.pathname}${target.search}`, { ...init, headers });
  });
  const api = shopifyApi({
    apiKey: ctx.config.app.apiKey,
    apiSecretKey: ctx.config.app.apiSecret,
    scopes: ctx.config.app.scopes,
    hostName: "127.0.0.1:3999",
    hostScheme: "http",
    apiVersion: ApiVersion.October25,
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  return { emulator: emulator, shop, api, ctx: emulator.context };
}

async function sessionToken(url: string, shop: string): Promise<string> {
  const response = await fetch(`${url}/admin/api/session-token?shop=${shop}`);
  return ((await response.json()) as { idToken: string }).idToken;
}

describe("auth over HTTP with @shopify/shopify-api", () => {
  it("given the admin's session token, when the library exchanges it for an expiring offline token, then its session works and refreshes", async () => {
    const { emulator, shop, api } = await start();
    const token = await sessionToken(emulator.url, shop.domain);
    await expect(api.session.decodeSessionToken(token)).resolves.toMatchObject({ dest: "https://demo.myshopify.com" });

    const { session } = await api.auth.tokenExchange({
      shop: shop.domain,
      sessionToken: token,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session).toMatchObject({
      shop: shop.domain,
      isOnline: false,
      scope: "read_customers,write_customers,read_orders",
    });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 3500_000);

    const refreshed = await api.auth.refreshToken({ shop: shop.domain, refreshToken: session.refreshToken! });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    expect(refreshed.session.refreshToken).not.toBe(session.refreshToken);
  });

  it("given an online request, when the library exchanges, then it builds an online session for the user", async () => {
    const { emulator, shop, api } = await start();
    const { session } = await api.auth.tokenExchange({
      shop: shop.domain,
      sessionToken: await sessionToken(emulator.url, shop.domain),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(shop.id);
    expect(session.id).toBe(`${shop.domain}_${shop.id}`);
  });

  it("given a spent session token signed with a wrong secret, when posted raw, then Shopify's 400 body comes back", async () => {
    const { emulator, shop } = await start();
    const [header, payload] = (await sessionToken(emulator.url, shop.domain)).split(".");
    const response = await fetch(`${emulator.url}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json", [SHOP_ROUTING_HEADER]: shop.domain },
      body: JSON.stringify({
        client_id: "test-api-key",
        client_secret: "test-api-secret",
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: `${header}.${payload}.AAAA`,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_subject_token" });
  });

  it("given the admin page, when fetched over HTTP, then the frame's id_token is accepted by the library", async () => {
    const { emulator, api } = await start();
    const redirect = await fetch(`${emulator.url}/admin`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const page = await fetch(`${emulator.url}${redirect.headers.get("location")}`);
    const body = await page.text();
    const src = new URL(/<iframe[^>]*\ssrc="([^"]+)"/.exec(body)![1]!.replace(/&amp;/g, "&"));
    await expect(api.session.decodeSessionToken(src.searchParams.get("id_token")!)).resolves.toBeTruthy();
    expect(api.utils.sanitizeHost(src.searchParams.get("host")!)).toBe(src.searchParams.get("host"));
    const script = await fetch(`${emulator.url}/app-bridge.js`);
    expect(script.headers.get("content-type")).toContain("application/javascript");
  });
});
