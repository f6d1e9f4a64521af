import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import { type AppStack, BROWSER_HEADERS, inboxDrained, startAppStack, waitFor } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { signedWebhook } from "../helpers/webhooks.js";

const SHOP = "e2e-shop.myshopify.com";

function embeddedUrl(stack: AppStack, idToken: string): string {
  const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace(".myshopify.com", "")}`)
    .toString("base64")
    .replace(/=+$/, "");
  const params = new URLSearchParams({ embedded: "1", shop: SHOP, host, id_token: idToken, locale: "en" });
  return `${stack.appUrl}/app?${params}`;
}

describe.each(await providers())("the embedded app against the local Shopify, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "E2E Outfitters" });
    await stack.control.seed(SHOP, { seed: "7", customers: 40, orders: 120 });
    db = createDatabase(database.url);
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it("given a valid session token, when the admin opens the app, then token exchange runs and the page shows the shop and its customer count", async () => {
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const response = await fetch(embeddedUrl(stack, token), { headers: BROWSER_HEADERS });
    const html = await response.text();
    expect(response.status, stack.logs.join("")).toBe(200);
    expect(html).toContain(`<span data-testid="shop-name">E2E Outfitters</span>`);
    expect(html).toContain(`<span data-testid="customer-count">40</span>`);
    const session = await db.session.findFirst({ where: { shop: SHOP, isOnline: false } });
    expect(session?.accessToken).toMatch(/^shpat_/);
    expect(session?.refreshToken).toMatch(/^shprt_/);
    expect(session?.expires).toBeInstanceOf(Date);
  });

  it("given an HTML response, when served, then its CSP lets only the shop, Shopify admin and the local admin frame it", async () => {
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const response = await fetch(embeddedUrl(stack, token), { headers: BROWSER_HEADERS });
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`frame-ancestors https://${SHOP} https://admin.shopify.com`);
    expect(csp).toContain(stack.emulator.url);
  });

  it("given a session token signed with another secret, when a fetch request carries it, then the app answers 401 and asks for a retry", async () => {
    const forged = mintSessionToken(
      {
        ...stack.emulator.context,
        config: {
          ...stack.emulator.context.config,
          app: { ...stack.emulator.context.config.app, apiSecret: "not-the-secret" },
        },
      },
      { shopDomain: SHOP },
    );
    const response = await fetch(`${stack.appUrl}/app`, {
      headers: { ...BROWSER_HEADERS, authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("given an expired session token, when a fetch request carries it, then the app answers 401", async () => {
    const expired = mintSessionToken(stack.emulator.context, {
      shopDomain: SHOP,
      now: new Date(Date.now() - 10 * 60_000),
    });
    const response = await fetch(`${stack.appUrl}/app`, {
      headers: { ...BROWSER_HEADERS, authorization: `Bearer ${expired}` },
    });
    expect(response.status).toBe(401);
  });

  it("given a forged id_token on a document request, when the app is opened, then no session is created for it", async () => {
    const before = await db.session.count();
    const response = await fetch(embeddedUrl(stack, "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly94In0.c2lnbmF0dXJl"), {
      redirect: "manual",
      headers: BROWSER_HEADERS,
    });
    expect([302, 401, 400]).toContain(response.status);
    expect(await db.session.count()).toBe(before);
  });

  it("given a webhook with a wrong HMAC, when delivered, then the app answers 401 and records nothing", async () => {
    const delivery = signedWebhook({ topic: "orders/create", shop: SHOP, payload: { id: 1 }, secret: "wrong" });
    const response = await fetch(`${stack.appUrl}/webhooks/orders/create`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(401);
    expect(await db.webhookEvent.count({ where: { eventId: delivery.headers["x-shopify-event-id"] } })).toBe(0);
  });

  it("given the same event delivered twice, when both arrive, then both are acknowledged and it is recorded once", async () => {
    const first = signedWebhook({ topic: "customers/update", shop: SHOP, payload: { id: 42 }, eventId: "evt-twice" });
    const second = signedWebhook({ topic: "customers/update", shop: SHOP, payload: { id: 42 }, eventId: "evt-twice" });
    for (const delivery of [first, second]) {
      const response = await fetch(`${stack.appUrl}/webhooks/customers/update`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBe(200);
    }
    expect(await db.webhookEvent.count({ where: { shop: SHOP, eventId: "evt-twice" } })).toBe(1);
  });

  it("given a delivery of another topic, when it reaches a topic's route, then it is refused with 400 and not recorded", async () => {
    const delivery = signedWebhook({
      topic: "orders/paid",
      shop: SHOP,
      payload: { id: 3 },
      eventId: "evt-wrong-route",
    });
    const response = await fetch(`${stack.appUrl}/webhooks/orders/create`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(400);
    expect(await db.webhookEvent.count({ where: { eventId: "evt-wrong-route" } })).toBe(0);
  });

  it("given an order placed in the local Shopify, when its webhooks are delivered, then the app records orders/create", async () => {
    const customer = await stack.control.createCustomer(SHOP, { email: "new.buyer@example.com", firstName: "New" });
    const order = await stack.control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Gift card", quantity: 1, price: "25.00" }],
    });
    const delivered = await waitFor(async () =>
      (await stack.control.deliveries(SHOP, "orders/create")).find(
        (delivery) => delivery.state === "delivered" && (JSON.parse(delivery.body) as { id: number }).id === order.id,
      ),
    );
    // The worker may have applied it already, blanking the payload (the row stays, for deduplication).
    const recorded = await waitFor(() =>
      db.webhookEvent.findFirst({ where: { shop: SHOP, topic: "orders/create", eventId: delivered.eventId } }),
    );
    expect(recorded.payload === "" || (JSON.parse(recorded.payload) as { id: number }).id === order.id).toBe(true);
  });

  it("given customers that arrived by webhook after the backfill, when the overview loads, then it counts the records Cohort holds and shows the last applied webhook", async () => {
    const { processedCount: backfilled } = await waitFor(() =>
      db.syncState.findFirst({ where: { shop: SHOP, resource: "customers", status: "completed" } }),
    );
    // Customers of earlier tests may still be on their way (webhook, then worker): count once they have landed.
    const settled = async () => {
      await stack.emulator.webhooks.idle();
      await inboxDrained(db, stack, SHOP, 20_000);
    };
    await settled();
    const held = await db.syncedCustomer.count({ where: { shop: SHOP } });
    for (const name of ["Ada", "Grace", "Edsger"]) {
      await stack.control.createCustomer(SHOP, { email: `${name.toLowerCase()}@example.com`, firstName: name });
    }
    await settled();
    expect(await db.syncedCustomer.count({ where: { shop: SHOP } })).toBe(held + 3);
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const html = await (await fetch(embeddedUrl(stack, token), { headers: BROWSER_HEADERS })).text();
    const customers = /data-testid="sync-customers">([^<]*)</.exec(html)?.[1] ?? html;
    expect(customers).toContain(`${(held + 3).toLocaleString("en-US")} held`);
    expect(customers).toContain(`${backfilled.toLocaleString("en-US")} by the backfill`);
    const applied = await db.webhookEvent.aggregate({
      where: { shop: SHOP, processedAt: { not: null }, error: null },
      _max: { processedAt: true },
    });
    const lastWebhook = /data-testid="last-webhook-applied">([^<]*)</.exec(html)?.[1];
    expect(lastWebhook).toContain(applied._max.processedAt!.toISOString().slice(0, 16).replace("T", " "));
  });

  it("given the app is uninstalled in the local Shopify, when app/uninstalled arrives, then the shop's sessions are deleted", async () => {
    await stack.control.uninstall(SHOP);
    await waitFor(async () => ((await db.session.count({ where: { shop: SHOP } })) === 0 ? true : null));
    expect(await db.webhookEvent.count({ where: { shop: SHOP, topic: "app/uninstalled" } })).toBe(1);
  });
});
