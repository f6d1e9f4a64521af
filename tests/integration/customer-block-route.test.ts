import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import { type AppStack, BROWSER_HEADERS, startAppStack } from "../helpers/app-stack.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";
import { parseSummary } from "../../extensions/cohort-customer-block/src/summary.js";

const SHOP = "customer-block.myshopify.com";
/** Admin UI extensions run on Shopify's extension origin, not the app's: their fetches are cross-origin. */
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

describe("the customer block's route, /api/customers/:id/segments, against the local Shopify", () => {
  let database: TestDatabase;
  let stack: AppStack;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.appUrl}${path}`, { headers: { ...BROWSER_HEADERS, origin: EXTENSION_ORIGIN, ...headers } });
  const bearer = () => ({ authorization: `Bearer ${mintSessionToken(stack.emulator.context, { shopDomain: SHOP })}` });

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Customer Block" });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await database?.drop();
  });

  it("given the extension's ID token, when the block asks for a customer, then it gets the summary the block parses, with CORS headers", async () => {
    const response = await get("/api/customers/1001/segments", bearer());
    expect(response.status, stack.logs.join("")).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const summary = parseSummary(await response.json());
    expect(summary).toEqual({
      customerId: "1001",
      known: false,
      segments: [],
      rfm: null,
      spendPercentile: null,
      scoredAt: null,
    });
  });

  it("answers the browser's preflight itself, allowing the Authorization header", async () => {
    const response = await fetch(`${stack.appUrl}/api/customers/1001/segments`, {
      method: "OPTIONS",
      headers: {
        ...BROWSER_HEADERS,
        origin: EXTENSION_ORIGIN,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("refuses a customer id that is not digits, and a request without a valid token", async () => {
    const bad = await get("/api/customers/gid%3A%2F%2Fshopify%2FCustomer%2F1/segments", bearer());
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe("*");
    const forged = await get("/api/customers/1001/segments", { authorization: "Bearer not-a-token" });
    expect(forged.status).toBe(401);
    const anonymous = await fetch(`${stack.appUrl}/api/customers/1001/segments`, {
      headers: BROWSER_HEADERS,
      redirect: "manual",
    });
    expect(anonymous.status).not.toBe(200);
  });
});
