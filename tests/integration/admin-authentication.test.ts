import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenRequestsOf } from "../shopify-emulator/auth/oauth.js";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import { type AppStack, BROWSER_HEADERS, startAppStack } from "../helpers/app-stack.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";

const SHOP = "auth-once.myshopify.com";
const UNKNOWN_SHOP = "nobody-here.myshopify.com";

function embeddedUrl(stack: AppStack, shop: string, idToken: string): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`)
    .toString("base64")
    .replace(/=+$/, "");
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: idToken, locale: "en" });
  return `${stack.appUrl}/app?${params}`;
}

describe("admin authentication against the local Shopify", () => {
  let database: TestDatabase;
  let stack: AppStack;
  const exchangesFor = (shop: string) =>
    tokenRequestsOf(stack.emulator.context).filter((request) => request.shopDomain === shop);
  const logLines = () => stack.logs.join("").split("\n");

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Authenticate Once" });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await database?.drop();
  });

  it("given a shop with no session, when the admin opens the app (a layout and a page loader at once), then one token exchange makes one session", async () => {
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const response = await fetch(embeddedUrl(stack, SHOP, token), { headers: BROWSER_HEADERS });
    expect(response.status, stack.logs.join("")).toBe(200);
    expect(exchangesFor(SHOP).map((request) => request.status)).toEqual([200]);
    expect(logLines().filter((line) => line.includes("Creating new session"))).toHaveLength(1);
  });

  it("given a valid stored session, when the admin opens the app again with a fresh session token, then no token is exchanged", async () => {
    const before = exchangesFor(SHOP).length;
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const response = await fetch(embeddedUrl(stack, SHOP, token), { headers: BROWSER_HEADERS });
    expect(response.status).toBe(200);
    expect(exchangesFor(SHOP)).toHaveLength(before);
  });

  it("given a validly signed session token for a shop Shopify does not know, when a fetch carries it, then the app answers 401 asking for a retry and logs one line", async () => {
    const token = mintSessionToken(stack.emulator.context, { shopDomain: UNKNOWN_SHOP });
    const response = await fetch(`${stack.appUrl}/app`, {
      headers: { ...BROWSER_HEADERS, authorization: `Bearer ${token}` },
    });
    expect(response.status, stack.logs.join("")).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    expect(exchangesFor(UNKNOWN_SHOP).map((request) => request.status)).toEqual([404]);
    const lines = logLines().filter((line) => line.includes(UNKNOWN_SHOP) && line.includes("refused"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("404");
  });

  it("given that token on a document load, when the app is opened, then it bounces to the session-token page to reload with a fresh token", async () => {
    const token = mintSessionToken(stack.emulator.context, { shopDomain: UNKNOWN_SHOP });
    const response = await fetch(embeddedUrl(stack, UNKNOWN_SHOP, token), {
      headers: BROWSER_HEADERS,
      redirect: "manual",
    });
    expect(response.status, stack.logs.join("")).toBe(302);
    const location = new URL(response.headers.get("location")!, stack.appUrl);
    expect(location.pathname).toBe("/auth/session-token");
    expect(location.searchParams.get("shop")).toBe(UNKNOWN_SHOP);
    expect(location.searchParams.get("shopify-reload")).toMatch(new RegExp(`^${stack.appUrl}/app\\?`));
    expect(location.searchParams.get("shopify-reload")).not.toContain("id_token");
    expect(logLines().filter((line) => line.includes(UNKNOWN_SHOP) && line.includes("refused"))).toHaveLength(2);
  });
});
