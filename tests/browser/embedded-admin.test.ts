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
  const hintsElsewhere: string[] = [];
  const loopbackOrigins = () => [new URL(stack.appUrl).origin, new URL(stack.emulator.url).origin];

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
    const allowed = loopbackOrigins();
    page.on("request", (request) => {
      const origin = new URL(request.url()).origin;
      if (!allowed.includes(origin) && !request.url().startsWith("data:")) requestsElsewhere.push(request.url());
    });
    // A preload or preconnect hint may be dropped by the browser before it shows as a request: read the hints too.
    page.on("response", (response) => {
      for (const [, target] of (response.headers()["link"] ?? "").matchAll(/<([^>]+)>/g)) {
        if (!allowed.includes(new URL(target!, response.url()).origin)) hintsElsewhere.push(`Link: ${target}`);
      }
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
    // In development nothing is requested outside loopback: not even a preload of Shopify's CDN.
    const documentHints = await frame!.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLLinkElement | HTMLScriptElement>("link[href], script[src]"), (element) =>
        "href" in element ? element.href : element.src,
      ),
    );
    for (const target of documentHints) {
      if (!loopbackOrigins().includes(new URL(target).origin)) hintsElsewhere.push(target);
    }
    expect(requestsElsewhere).toEqual([]);
    expect(hintsElsewhere).toEqual([]);
  });

  it("given the embedded app, when it fetches its own data, then App Bridge's session token authenticates the request", async () => {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(stack.appUrl))!;
    const status = await frame.evaluate(async () => (await fetch("/app.data")).status);
    expect(status).toBe(200);
  });
});
