import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { localAppEnv } from "../../scripts/local-shopify.js";
import { startAppStack, waitFor, type AppStack } from "../helpers/app-stack.js";
import { appHydrated, launchChromium, requireChromiumOrSkip } from "../helpers/chromium.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";
import { cohort, workDirectory } from "../scripts/cohort-cli-harness.js";

const executablePath = requireChromiumOrSkip();
const SHOP = "editor-demo.myshopify.com";
const ADMIN_APP = "/store/editor-demo/apps/cohort";
const SEGMENT = "Loyal buyers";
const TAG = "cohort:loyal-buyers";

/** Serious or critical accessibility violations inside the app's frame (the local admin's own chrome aside). */
async function appViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) =>
      violation.nodes
        .filter((node) => node.target.length > 1)
        .map((node) => `${violation.id}: ${JSON.stringify(node.target)} ${node.failureSummary ?? ""}`),
    );
}

describe.skipIf(!executablePath)("the segment editor and list in the embedded admin, in Chromium", () => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;
  let browser: Browser;
  let page: Page;
  let app: FrameLocator;
  const cwd = workDirectory();

  const queryBox = () => app.locator("#segment-query");
  const previewCount = () => app.locator('[data-testid="preview-count"]').textContent();
  const customersWithOrders = (min: number) =>
    db.customerMetrics.count({ where: { shop: SHOP, orderCount: { gte: min } } });

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Editor Demo Goods" });
    await stack.control.seed(SHOP, { seed: "7", customers: 150, orders: 600 });
    db = createDatabase(database.url);
    browser = await launchChromium(executablePath!);
    // AxeBuilder opens a page of its own beside this one: the page needs a context of its own.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1300 },
      userAgent:
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const allowed = [new URL(stack.appUrl).origin, new URL(stack.emulator.url).origin];
    await page.route("**/*", (route) =>
      allowed.includes(new URL(route.request().url()).origin) ? route.continue() : route.abort(),
    );
    app = page.frameLocator("iframe");
    // The first visit installs Cohort and starts the backfill; the editor's preview needs the synced customers.
    await page.goto(`${stack.emulator.url}${ADMIN_APP}`);
    await waitFor(async () => (await db.customerMetrics.count({ where: { shop: SHOP } })) === 150, 90_000, 250);
  }, 180_000);

  // A page that throws (a hydration mismatch among them: React then renders the whole page again) fails its test.
  const pageErrors: string[] = [];
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it(
    "given no segments, when the merchant builds one from a template, edits it in the builder and the text, and saves it from the save bar, then it is listed with its members, and its tag reaches Shopify once tagging is on",
    { timeout: 150_000 },
    async () => {
      await page.goto(`${stack.emulator.url}${ADMIN_APP}/app/segments`);
      await appHydrated(app);
      await app.getByText("Group your customers into segments").waitFor({ timeout: 30_000 });

      await app.getByRole("button", { name: "Create segment" }).first().click();
      await app.getByText("Add a rule to see who it matches.").waitFor();
      await app.locator("#template-three-plus-purchases").click();
      await expect.poll(() => queryBox().inputValue()).toBe("number_of_orders >= 3");
      await expect.poll(() => app.locator("#segment-name").inputValue()).toBe("3+ purchases");
      await expect.poll(previewCount, { timeout: 15_000 }).toBe(String(await customersWithOrders(3)));

      // The builder edits the tree; the text shows it printed.
      await app.getByLabel("Rule 1: Value").fill("5");
      await expect.poll(() => queryBox().inputValue()).toBe("number_of_orders >= 5");
      await app.getByRole("button", { name: "Add rule" }).first().click();
      await expect.poll(() => queryBox().inputValue()).toBe("number_of_orders >= 5 AND number_of_orders >= 1");
      await app.getByRole("button", { name: "Remove rule 2" }).click();
      await expect.poll(() => queryBox().inputValue()).toBe("number_of_orders >= 5");
      await expect.poll(previewCount, { timeout: 15_000 }).toBe(String(await customersWithOrders(5)));

      // An invalid rule: the parser's error inline, at its position; the builder keeps the last valid rule.
      await queryBox().fill("number_of_orders >= 5 AND amount_spnt > 10");
      const location = app.locator('[data-testid="query-error-location"]');
      await expect.poll(() => location.textContent()).toContain(`${" ".repeat(26)}^`);
      await expect.poll(() => app.getByText("'amount_spnt' filter cannot be found", { exact: false }).count()).toBe(1);
      expect(await app.getByLabel("Rule 1: Value").inputValue()).toBe("5");

      // Valid text again: the builder follows it.
      await queryBox().fill("number_of_orders >= 4");
      await expect.poll(() => app.getByLabel("Rule 1: Value").inputValue()).toBe("4");
      await expect.poll(() => location.count()).toBe(0);
      await app.locator("#segment-name").fill(SEGMENT);
      await expect.poll(previewCount, { timeout: 15_000 }).toBe(String(await customersWithOrders(4)));

      mkdirSync("test-results", { recursive: true });
      await page.screenshot({ path: "test-results/segment-editor.png", fullPage: true });
      expect(await appViolations(page)).toEqual([]);

      // Save from App Bridge's save bar; the list shows the segment with its members.
      await app.locator("ui-save-bar button[variant=primary]").click();
      await app.locator('[data-testid="segment-link"]').waitFor({ timeout: 30_000 });
      expect(await app.locator('[data-testid="segment-link"]').textContent()).toBe(SEGMENT);
      const members = await customersWithOrders(4);
      expect(await app.locator('[data-testid="segment-size"]').textContent()).toBe(String(members));

      await page.screenshot({ path: "test-results/segments-list.png", fullPage: true });
      expect(await appViolations(page)).toEqual([]);

      // Tagging on (its switch belongs to the segment's page): through the command line, as a merchant could.
      const cliEnv = localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url });
      const run = await cohort(["tagging", SHOP, SEGMENT, "--state", "on"], { cwd, env: cliEnv });
      expect(run.code, run.stderr).toBe(0);
      const segment = await db.segment.findUniqueOrThrow({ where: { shop_name: { shop: SHOP, name: SEGMENT } } });
      const memberIds = (await db.segmentMember.findMany({ where: { shop: SHOP, segmentId: segment.id } })).map((row) =>
        Number(row.customerId),
      );
      expect(memberIds).toHaveLength(members);
      await waitFor(
        async () => {
          for (const id of memberIds) if (!(await stack.control.getCustomer(SHOP, id)).tags.includes(TAG)) return false;
          return true;
        },
        60_000,
        500,
      );
      await page.reload();
      await expect.poll(() => app.getByText(TAG).count(), { timeout: 30_000 }).toBe(1);
    },
  );

  it("given a saved segment, when another is saved under its name, then the name field says it is taken and nothing is saved", async () => {
    await page.goto(`${stack.emulator.url}${ADMIN_APP}/app/segments/new?template=one-time-buyers`);
    await appHydrated(app);
    await app.locator("#segment-name").fill(SEGMENT);
    await app.locator("ui-save-bar button[variant=primary]").click();
    await expect
      .poll(() => app.getByText(`A segment named “${SEGMENT}” already exists.`).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await db.segment.count({ where: { shop: SHOP } })).toBe(1);
  });

  it(
    "given a saved, tagged segment, when its rule is changed in the editor and saved, then the list shows its new members and those who left lose the tag in Shopify",
    { timeout: 90_000 },
    async () => {
      const segment = await db.segment.findUniqueOrThrow({ where: { shop_name: { shop: SHOP, name: SEGMENT } } });
      await page.goto(`${stack.emulator.url}${ADMIN_APP}/app/segments/${segment.id}/edit`);
      await appHydrated(app);
      expect(await queryBox().inputValue()).toBe("number_of_orders >= 4");
      await app.getByLabel("Rule 1: Value").fill("6");
      await expect.poll(() => queryBox().inputValue()).toBe("number_of_orders >= 6");
      await expect.poll(previewCount, { timeout: 15_000 }).toBe(String(await customersWithOrders(6)));
      await app.locator("ui-save-bar button[variant=primary]").click();
      await app.locator('[data-testid="segment-link"]').waitFor({ timeout: 30_000 });
      await expect
        .poll(() => app.locator('[data-testid="segment-size"]').textContent())
        .toBe(String(await customersWithOrders(6)));
      expect((await db.segment.findUniqueOrThrow({ where: { shop_name: { shop: SHOP, name: SEGMENT } } })).query).toBe(
        "number_of_orders >= 6",
      );

      // Tagging is on: those who left (4 or 5 orders) lose the tag in Shopify, those who stayed keep it.
      const metrics = await db.customerMetrics.findMany({ where: { shop: SHOP, orderCount: { gte: 4 } } });
      const left = metrics.filter((m) => m.orderCount < 6).map((m) => Number(m.customerId));
      const stayed = metrics.filter((m) => m.orderCount >= 6).map((m) => Number(m.customerId));
      expect(left.length).toBeGreaterThan(0);
      await waitFor(
        async () => {
          for (const id of left) if ((await stack.control.getCustomer(SHOP, id)).tags.includes(TAG)) return false;
          return true;
        },
        60_000,
        500,
      );
      for (const id of stayed) expect((await stack.control.getCustomer(SHOP, id)).tags).toContain(TAG);
    },
  );
});
