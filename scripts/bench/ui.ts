/**
 * `npm run bench -- ui [--stores demo,large] [--customers 100000] [--loads 3]`
 *
 * Every admin page in Chromium (playwright-core with Debian's Chromium), embedded in the local Shopify's admin, on
 * the production build (`npm run build` first, unless COHORT_SKIP_BUILD=1): LCP and CLS of each page after it has
 * hydrated (the median of `--loads` cold loads, each in a fresh browser context), and INP of the segment editor —
 * typing a query, and the preview updating. On the demo store (what `npm run dev` makes: 2,000 customers and 10,000
 * orders synced, one segment per template) and on a large store (customers generated straight into the database by
 * segment-store.ts, a few segments evaluated). Writes reports/bench-ui.{json,md} with the verdicts (ui-targets.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Browser, Frame, Page } from "playwright-core";
import { createDatabase, tuneDatabase, type Database } from "../../app/db/client.server.js";
import { prismaSegmentEvaluation } from "../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../app/db/segments/segment-repository.server.js";
import { createSegment, segmentTreeOf } from "../../app/services/segments/segment-catalog.js";
import { evaluateShop, type SegmentEvaluationDeps } from "../../app/services/segments/segment-evaluation.js";
import { openEmbeddedApp, startAppStack, waitFor, type AppStack } from "../../tests/helpers/app-stack.js";
import { appHydrated, chromiumPath, launchChromium } from "../../tests/helpers/chromium.js";
import { freshDatabase, type TestDatabase } from "../../tests/helpers/databases.js";
import { runDemoSegments } from "../../tests/helpers/demo-segments.js";
import { localAppEnv, ROOT } from "../local-shopify.js";
import { provenance, type Provenance } from "./report.js";
import { BENCH_SEGMENTS } from "./segment-queries.js";
import { fillSegmentStore, type StoreCounts } from "./segment-store.js";
import { buildUiReport, renderUiMarkdown, type UiLoad, type UiStoreRun } from "./ui-report.js";
import { longestInteraction, median, UI_PAGES, type UiStoreKind } from "./ui-targets.js";

const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const VIEWPORT = { width: 1280, height: 1000 };
/** After hydration: long enough for late layout shifts (fonts, data) to land before CLS is read. */
const SETTLE_MS = 1500;
const DEMO_CUSTOMERS = 2000;
const DEMO_ORDERS = 10_000;
/** The large store's segments: a few of the segments benchmark's, evaluated so its pages have members. */
const LARGE_SEGMENTS = 5;
const TYPED_QUERY = "amount_spent >= 100 AND number_of_orders >= 2";

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface StoreSetup {
  shop: string;
  handle: string;
  customers: number;
  segmentId: string;
  customerId: string;
  fill: StoreCounts | null;
  setupSeconds: number;
}

async function syncCompleted(db: Database, shop: string): Promise<boolean> {
  const states = await db.syncState.findMany({ where: { shop } });
  const failed = states.find((state) => state.status === "failed");
  if (failed) throw new Error(`the ${failed.resource} backfill of ${shop} failed: ${failed.lastError ?? "?"}`);
  return (
    states.some((state) => state.resource === "customers" && state.status === "completed") &&
    states.some((state) => state.resource === "orders" && state.status === "completed")
  );
}

/** The segment with the most members, and one of its members, for the segment and customer pages. */
async function largestSegment(db: Database, shop: string): Promise<{ segmentId: string; customerId: string }> {
  const sizes = await db.segmentMember.groupBy({ by: ["segmentId"], where: { shop }, _count: true });
  const largest = sizes.sort((a, b) => b._count - a._count)[0];
  if (!largest) throw new Error(`no segment of ${shop} has members`);
  const member = await db.segmentMember.findFirstOrThrow({ where: { shop, segmentId: largest.segmentId } });
  return { segmentId: largest.segmentId, customerId: member.customerId };
}

async function installed(stack: AppStack, db: Database, shop: string, timeoutMs: number): Promise<void> {
  await stack.control.install(shop);
  const opened = await openEmbeddedApp(stack, shop);
  if (opened.status !== 200) throw new Error(`opening Cohort in ${shop} answered ${opened.status}`);
  await waitFor(() => syncCompleted(db, shop), timeoutMs, 500);
}

/** What `npm run dev` makes: the demo store seeded in the local Shopify, synced, one segment per template. */
async function demoStore(stack: AppStack, db: Database, databaseUrl: string): Promise<StoreSetup> {
  const started = performance.now();
  const handle = "demo";
  const shop = `${handle}.myshopify.com`;
  await stack.control.createShop({ domain: shop, name: "Cohort Demo" });
  await stack.control.seed(shop, { seed: "1", customers: DEMO_CUSTOMERS, orders: DEMO_ORDERS });
  await installed(stack, db, shop, 600_000);
  const demo = await runDemoSegments(
    shop,
    localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl }),
  );
  if (demo.code !== 0) throw new Error(`the demo segments failed:\n${demo.stdout}\n${demo.stderr}`);
  return {
    shop,
    handle,
    customers: await db.customerMetrics.count({ where: { shop } }),
    ...(await largestSegment(db, shop)),
    fill: null,
    setupSeconds: round((performance.now() - started) / 1000),
  };
}

/**
 * The large store: installed on an empty shop (its backfill completes at once, so no recompute runs over the
 * generated rows), then customers generated straight into the database and a few segments evaluated.
 */
async function largeStore(stack: AppStack, db: Database, databaseUrl: string, customers: number): Promise<StoreSetup> {
  const started = performance.now();
  const handle = "bench-ui-large";
  const shop = `${handle}.myshopify.com`;
  await stack.control.createShop({ domain: shop, name: "Cohort Large Store" });
  await installed(stack, db, shop, 120_000);
  const now = new Date();
  console.log(`[bench] generating ${customers.toLocaleString("en-US")} customers`);
  const fill = await fillSegmentStore(db, databaseUrl, shop, customers, now);
  const deps: SegmentEvaluationDeps = {
    segments: prismaSegmentRepository(db),
    evaluation: prismaSegmentEvaluation(db, databaseUrl),
  };
  for (const segment of BENCH_SEGMENTS.slice(0, LARGE_SEGMENTS)) {
    await createSegment(
      deps,
      shop,
      { name: segment.name, query: segment.query, tree: segmentTreeOf(segment.query) },
      now,
    );
  }
  await evaluateShop(deps, shop, { now, timeZone: "America/New_York" }, { cause: "backfill", causeRef: null });
  return {
    shop,
    handle,
    customers,
    ...(await largestSegment(db, shop)),
    fill,
    setupSeconds: round((performance.now() - started) / 1000),
  };
}

interface OpenedPage {
  page: Page;
  frame: Frame;
  close(): Promise<void>;
}

/** A cold load of `path` in a fresh context, embedded in the local admin, until the app's page has hydrated. */
async function openPage(browser: Browser, stack: AppStack, handle: string, path: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, userAgent: USER_AGENT });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[bench] ${path}: the page threw ${error.message}`));
  const allowed = [new URL(stack.appUrl).origin, new URL(stack.emulator.url).origin];
  await page.route("**/*", (route) =>
    allowed.includes(new URL(route.request().url()).origin) ? route.continue() : route.abort(),
  );
  await page.goto(`${stack.emulator.url}/store/${handle}/apps/cohort${path}`);
  const frame = await waitFor(async () => page.frames().find((f) => f.url().startsWith(stack.appUrl)), 30_000, 50);
  await appHydrated(frame);
  return { page, frame, close: () => context.close() };
}

/** LCP (the last candidate once hydrated and settled) and CLS (shifts without recent input, summed) in the frame. */
async function vitals(frame: Frame): Promise<{ lcpMs: number | null; cls: number; hydratedMs: number }> {
  return frame.evaluate(
    (settleMs) =>
      new Promise<{ lcpMs: number | null; cls: number; hydratedMs: number }>((done) => {
        const hydratedMs = performance.now();
        let lcpMs: number | null = null;
        let cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) lcpMs = entry.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
            if (!entry.hadRecentInput) cls += entry.value;
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => done({ lcpMs, cls, hydratedMs }), settleMs);
      }),
    SETTLE_MS,
  );
}

/**
 * Starts collecting the event-timing entries (and the first input, reported whatever its duration) of interactions
 * that start from now, in the frame.
 */
async function observeInteractions(frame: Frame): Promise<void> {
  // A string, not a function: tsx's transform would wrap a named callback in a helper the page does not have.
  await frame.evaluate(`(() => {
    window.__interactions = [];
    // A buffered observer also gets the entries of earlier phases (those of 104 ms or more): this phase's only.
    const since = performance.now();
    const keep = (list) => {
      for (const entry of list.getEntries())
        if (entry.startTime >= since) window.__interactions.push({ interactionId: entry.interactionId, duration: entry.duration, name: entry.name });
    };
    new PerformanceObserver(keep).observe({ type: "event", buffered: true, durationThreshold: 16 });
    new PerformanceObserver(keep).observe({ type: "first-input", buffered: true });
  })()`);
}

type Interaction = { interactionId: number; duration: number; name: string };

/** The event type of the longest interaction's entry (keydown, pointerdown…), to tell what was slow. */
const longestEvent = (entries: readonly Interaction[]) =>
  entries.filter((entry) => entry.interactionId > 0).sort((a, b) => b.duration - a.duration)[0]?.name ?? null;

async function takeInteractions(frame: Frame): Promise<Interaction[]> {
  // Event timing entries are delivered after the next paint: give them a frame or two.
  await frame.waitForTimeout(500);
  return frame.evaluate(() => {
    const bag = window as unknown as { __interactions: Interaction[] };
    const taken = bag.__interactions;
    bag.__interactions = [];
    return taken;
  });
}

interface EditorInp {
  typingInpMs: number | null;
  previewInpMs: number | null;
  typingInteractions: number;
  previewInteractions: number;
  typingLongestEvent: string | null;
  previewLongestEvent: string | null;
  previewLatencyMs: number[];
}

/**
 * (a) The query typed into the editor's box at a quick typist's pace (faster than the preview's debounce, so no
 * preview answers mid-word). (b) Then the rule's value changed digit by digit with pauses longer than the debounce,
 * each change followed by typing while its preview is asked for, answered and rendered: the interactions that meet
 * the preview's render. Also times each change until its preview count shows (not a target).
 */
async function editorInp(browser: Browser, stack: AppStack, handle: string): Promise<EditorInp> {
  const opened = await openPage(browser, stack, handle, "/app/segments/new");
  try {
    const { page, frame } = opened;
    const box = frame.locator("#segment-query");
    await observeInteractions(frame);
    await box.click();
    await page.keyboard.type(TYPED_QUERY, { delay: 60 });
    const typed = await takeInteractions(frame);
    const count = frame.locator('[data-testid="preview-count"]');
    await count.waitFor({ timeout: 60_000 });

    const previewLatencyMs: number[] = [];
    await observeInteractions(frame);
    for (const digit of ["3", "5", "7", "4", "6"]) {
      const before = await count.textContent();
      const started = performance.now();
      const shown = waitFor(async () => (await count.textContent()) !== before || null, 60_000, 20).then(
        () => round(performance.now() - started),
        () => null,
      );
      await page.keyboard.press("Backspace");
      await page.keyboard.type(digit);
      // Keys pressed and released while the preview is pending and rendering (End moves nothing in the query).
      const stop = Date.now() + 1200;
      while (Date.now() < stop) await page.keyboard.press("End", { delay: 20 });
      const latency = await shown;
      if (latency !== null) previewLatencyMs.push(latency);
    }
    const preview = await takeInteractions(frame);
    return {
      typingInpMs: longestInteraction(typed),
      previewInpMs: longestInteraction(preview),
      typingInteractions: new Set(typed.map((entry) => entry.interactionId)).size,
      previewInteractions: new Set(preview.map((entry) => entry.interactionId)).size,
      typingLongestEvent: longestEvent(typed),
      previewLongestEvent: longestEvent(preview),
      previewLatencyMs,
    };
  } finally {
    await opened.close();
  }
}

function pagePaths(setup: StoreSetup): Record<string, string> {
  return {
    dashboard: "/app",
    segments: "/app/segments",
    editor: "/app/segments/new",
    segment: `/app/segments/${setup.segmentId}`,
    customer: `/app/customers/${setup.customerId}`,
    activity: "/app/activity",
    settings: "/app/settings",
  };
}

async function measureStore(
  browser: Browser,
  store: UiStoreKind,
  customers: number,
  loads: number,
): Promise<UiStoreRun> {
  const database: TestDatabase = await freshDatabase("sqlite");
  const stack = await startAppStack({ databaseUrl: database.url });
  const db = createDatabase(database.url);
  try {
    await tuneDatabase(db, database.url);
    console.log(`[bench] ${store} store: setting up`);
    const setup =
      store === "demo"
        ? await demoStore(stack, db, database.url)
        : await largeStore(stack, db, database.url, customers);
    console.log(`[bench] ${store} store ready in ${setup.setupSeconds} s (${setup.customers} customers)`);
    const paths = pagePaths(setup);
    const pages: UiStoreRun["pages"] = [];
    for (const { id } of UI_PAGES) {
      const path = paths[id]!;
      const measured: UiLoad[] = [];
      for (let load = 0; load < loads; load++) {
        const opened = await openPage(browser, stack, setup.handle, path);
        try {
          const figures = await vitals(opened.frame);
          measured.push({
            heading:
              (await opened.frame
                .locator("h1")
                .first()
                .textContent({ timeout: 5000 })
                .catch(() => null)) ?? null,
            lcpMs: figures.lcpMs === null ? null : round(figures.lcpMs),
            cls: round(figures.cls, 4),
            hydratedMs: round(figures.hydratedMs),
          });
        } finally {
          await opened.close();
        }
      }
      const row = {
        page: id,
        path,
        loads: measured,
        lcpMs: median(measured.map((load) => load.lcpMs)),
        cls: median(measured.map((load) => load.cls)),
        hydratedMs: median(measured.map((load) => load.hydratedMs)),
      };
      console.log(`[bench] ${store} ${id}: ${JSON.stringify(row)}`);
      pages.push(row);
    }
    const inp = await editorInp(browser, stack, setup.handle);
    console.log(`[bench] ${store} editor INP: ${JSON.stringify(inp)}`);
    return {
      store,
      customers: setup.customers,
      segmentId: setup.segmentId,
      customerId: setup.customerId,
      fill: setup.fill,
      setupSeconds: setup.setupSeconds,
      pages,
      ...inp,
      typingInpMs: inp.typingInpMs === null ? null : round(inp.typingInpMs),
      previewInpMs: inp.previewInpMs === null ? null : round(inp.previewInpMs),
    };
  } finally {
    await db.$disconnect();
    await stack.stop();
    await database.drop();
  }
}

export async function runUiBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      stores: { type: "string", default: "demo,large" },
      customers: { type: "string", default: "100000" },
      loads: { type: "string", default: "3" },
    },
  });
  const stores = values.stores!.split(",") as UiStoreKind[];
  for (const store of stores) if (store !== "demo" && store !== "large") throw new Error(`Unknown store ${store}`);
  const customers = Number(values.customers);
  const loads = Number(values.loads);
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("No Chromium: apt-get install -y chromium (never `npx playwright install`)");
  // Taken before anything runs: the code measured is the code checked out now.
  const where = provenance(ROOT);
  if (!process.env.COHORT_SKIP_BUILD) {
    console.log("[bench] npm run build (COHORT_SKIP_BUILD=1 to measure the build already there)");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  }
  const browser = await launchChromium(executablePath);
  const runs: UiStoreRun[] = [];
  try {
    for (const store of stores) {
      runs.push(await measureStore(browser, store, customers, loads));
      // Written after each store: a run stopped during the next one still leaves the figures it measured.
      writeReport(where, { stores, customers, loads }, runs, executablePath);
    }
  } finally {
    await browser.close();
  }
}

function chromiumVersion(executablePath: string): string {
  try {
    return execFileSync(executablePath, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function writeReport(
  where: Provenance,
  options: { stores: string[]; customers: number; loads: number },
  runs: UiStoreRun[],
  executablePath: string,
): void {
  const report = buildUiReport({
    measuredAt: new Date().toISOString(),
    provenance: where,
    loadAverageAtEnd: round(loadavg()[0]!, 2),
    chromium: chromiumVersion(executablePath),
    options,
    runs,
  });
  mkdirSync(resolve(ROOT, "reports"), { recursive: true });
  writeFileSync(resolve(ROOT, "reports/bench-ui.json"), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderUiMarkdown(report);
  writeFileSync(resolve(ROOT, "reports/bench-ui.md"), markdown);
  console.log(markdown);
}
