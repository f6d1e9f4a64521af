import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Frame, Page } from "playwright-core";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { startAppStack, waitFor, type AppStack } from "../helpers/app-stack.js";
import { seriousAccessibilityViolations } from "../helpers/axe.js";
import { launchChromium, requireChromiumOrSkip } from "../helpers/chromium.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";

const executablePath = requireChromiumOrSkip();
const SHOP = "shell-demo.myshopify.com";
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

describe.skipIf(!executablePath)("the admin shell in Chromium: dashboard, settings, data requests", () => {
  let database: TestDatabase;
  let db: Database;
  let stack: AppStack;
  let browser: Browser;
  let page: Page;

  const appFrame = async (): Promise<Frame> =>
    waitFor(async () => page.frames().find((frame) => frame.url().startsWith(stack.appUrl)) ?? null, 30_000);
  const open = async (path: string) => {
    await page.goto(`${stack.emulator.url}/store/shell-demo/apps/cohort${path}`);
    return appFrame();
  };

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    db = createDatabase(database.url);
    await stack.control.createShop({ domain: SHOP, name: "Shell Demo Goods" });
    await stack.control.seed(SHOP, { seed: "7", customers: 120, orders: 480 });
    browser = await launchChromium(executablePath!);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: USER_AGENT });
    const allowed = [new URL(stack.appUrl).origin, new URL(stack.emulator.url).origin];
    await page.route("**/*", (route) =>
      allowed.includes(new URL(route.request().url()).origin) || route.request().url().startsWith("data:")
        ? route.continue()
        : route.abort(),
    );
    mkdirSync("test-results", { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it("given a shop without segments, when the merchant picks three templates, then the three segments appear on the dashboard", async () => {
    const frame = await open("");
    await frame.waitForSelector('[data-testid="starter-templates-form"]', { timeout: 30_000 });
    await frame.locator('[data-testid="starter-templates-form"] button[type="submit"]').click();
    await expect
      .poll(() => frame.locator('[data-testid="dashboard-segment"]').allTextContents(), { timeout: 60_000 })
      .toEqual(expect.arrayContaining(["VIP: top 10% by spend", "Champions", "At risk"]));
    expect(await db.segment.count({ where: { shop: SHOP } })).toBe(3);
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
    expect(await seriousAccessibilityViolations(page, { include: "iframe" })).toEqual([]);
  });

  it("given the settings, when the bulk threshold is 0, then the error shows beside the field and nothing is saved; a valid save persists", async () => {
    const frame = await open("/settings");
    const threshold = frame.getByLabel("Bulk threshold");
    await threshold.waitFor({ timeout: 30_000 });
    await threshold.fill("0");
    await frame.locator('[data-testid="settings-save"]').click();
    await expect
      .poll(() => frame.locator("#tagBulkThresholdError, [id$='Error']").allTextContents(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining("whole number from 1")]));
    expect(await db.shopSettings.findUnique({ where: { shop: SHOP } })).toBeNull();

    await threshold.fill("25");
    const rfm = frame.getByLabel("RFM groups", { exact: true });
    const groups = JSON.parse(await rfm.inputValue()) as Record<string, unknown>;
    await rfm.fill(JSON.stringify({ ...groups, CHAMPIONS: [{ recency: { min: 5, max: 5 }, frequencyMonetary: { min: 9, max: 10 } }] }));
    await frame.locator('[data-testid="settings-save"]').click();
    await expect.poll(() => frame.locator('[id$="Error"]').allTextContents(), { timeout: 30_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining("CHAMPIONS")]),
    );
    await rfm.fill(JSON.stringify(groups));
    await frame.locator('[data-testid="settings-save"]').click();
    await frame.waitForSelector('[data-testid="settings-saved"]', { timeout: 30_000 });
    expect((await db.shopSettings.findUnique({ where: { shop: SHOP } }))?.tagBulkThreshold).toBe(25);
    await page.screenshot({ path: "test-results/settings.png", fullPage: true });
    expect(await seriousAccessibilityViolations(page, { include: "iframe" })).toEqual([]);
  });

  it("given a customer data request, when the merchant downloads it from Settings, then the file holds what Cohort stores", async () => {
    const customer = await stack.control.createCustomer(SHOP, { email: "asks@example.com" });
    await stack.control.fireWebhook(SHOP, { topic: "customers/data_request", customerId: customer.id });
    const request = await waitFor(
      () => db.dataRequest.findFirst({ where: { shop: SHOP, customerId: String(customer.id) } }),
      30_000,
    );
    const frame = await open("/settings");
    await frame.waitForSelector('[data-testid="settings-data-request"]', { timeout: 30_000 });
    const body = await frame.evaluate(async (id) => {
      const response = await fetch(`/app/data-requests/${id}/download`);
      return { status: response.status, json: (await response.json()) as { customerId: string } };
    }, request.id);
    expect(body.status).toBe(200);
    expect(body.json.customerId).toBe(String(customer.id));
  });
});
