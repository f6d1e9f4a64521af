import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startAppStack, type AppStack } from "../helpers/app-stack.js";
import { launchChromium, requireChromiumOrSkip } from "../helpers/chromium.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";

const executablePath = requireChromiumOrSkip();
const SHOP = "browser-demo.myshopify.com";
const SCREENSHOT = "test-results/embedded-admin.png";

describe.skipIf(!executablePath)("the app embedded in the local Shopify admin, in Chromium", () => {
  let database: TestDatabase;
  let stack: AppStack;
  let browser: Browser;
  let page: Page;
  const requestsElsewhere: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Browser Demo Goods" });
    await stack.control.seed(SHOP, { seed: "42", customers: 150, orders: 600 });
    browser = await launchChromium(executablePath!);
    // Headless Chromium announces itself as HeadlessChrome, which Shopify's library rejects as a bot (410).
    page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    });
    const allowed = [new URL(stack.appUrl).origin, new URL(stack.emulator.url).origin];
    page.on("request", (request) => {
      const origin = new URL(request.url()).origin;
      if (!allowed.includes(origin) && !request.url().startsWith("data:")) requestsElsewhere.push(request.url());
    });
    // Nothing may leave this machine: requests to any other origin are aborted (and reported below).
    await page.route("**/*", (route) => {
      const origin = new URL(route.request().url()).origin;
      return allowed.includes(origin) ? route.continue() : route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await database?.drop();
  });

  it("given the local admin, when the merchant opens Cohort, then the app appears embedded, authenticated by session token, showing the shop and its customer count", async () => {
    await page.goto(`${stack.emulator.url}/store/browser-demo/apps/cohort`);
    const app = page.frameLocator("iframe");
    await expect.poll(() => app.locator('[data-testid="shop-name"]').textContent(), { timeout: 30_000 }).toBe(
      "Browser Demo Goods",
    );
    await expect.poll(() => app.locator('[data-testid="customer-count"]').textContent()).toBe("150");

    const frame = page.frames().find((candidate) => candidate.url().startsWith(stack.appUrl));
    expect(frame, "the app is framed from its own origin").toBeDefined();
    // App Bridge came from the local Shopify, and it hands the app fresh session tokens.
    const idToken = await frame!.evaluate(async () => {
      const shopify = (window as unknown as { shopify?: { idToken(): Promise<string> } }).shopify;
      return shopify ? shopify.idToken() : null;
    });
    expect(idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(requestsElsewhere.filter((url) => !url.startsWith("https://cdn.shopify.com/"))).toEqual([]);
  });

  it("given the embedded app, when it fetches its own data, then App Bridge's session token authenticates the request", async () => {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(stack.appUrl))!;
    const status = await frame.evaluate(async () => (await fetch("/app.data")).status);
    expect(status).toBe(200);
  });
});
