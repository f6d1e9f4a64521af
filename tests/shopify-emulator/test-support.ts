import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CAPTURES_DIR } from "../helpers/captures.js";
import type { EmulatedApp, EmulatorConfig, EmulatorContext } from "./context.js";
import type { EmulatorRequest } from "./http.js";
import { EmulatorStore } from "./store/store.js";
import type { CustomerRecord, ShopRecord } from "./store/types.js";

/** Shared fixtures for the emulator's tests (and the parity harness): contexts, clocks, requests, captures. */

export const ALL_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "write_orders",
  "read_all_orders",
  "read_products",
  "write_products",
  "read_discounts",
  "write_discounts",
];

export interface TestConfigOptions {
  app?: Partial<EmulatedApp>;
  appTomlPath?: string | null;
  timeScale?: number;
}

/** An emulator config with Shopify's lifetimes; the app is "Cohort" unless `app` says otherwise. */
export function testConfig(options: TestConfigOptions = {}): EmulatorConfig {
  return {
    app: {
      apiKey: "test-api-key",
      apiSecret: "test-api-secret",
      appUrl: "http://127.0.0.1:3999",
      handle: "cohort",
      name: "Cohort",
      scopes: ["read_customers", "write_customers", "read_orders"],
      ...options.app,
    },
    appTomlPath: options.appTomlPath ?? null,
    timeScale: options.timeScale ?? 1,
    sessionTokenTtlSeconds: 60,
    accessTokenTtlSeconds: 3600,
  };
}

export function contextOver(store: EmulatorStore, origin: string, options: TestConfigOptions = {}): EmulatorContext {
  return { store, config: testConfig(options), origin: () => origin };
}

export interface TestClock {
  now: Date;
  advance(seconds: number): void;
}

export function testClock(start: Date): TestClock {
  const clock = {
    now: start,
    advance(seconds: number) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
  };
  return clock;
}

/** A context with an in-memory store and a clock the test moves. */
export function testContext(start = new Date("2026-03-01T12:00:00Z")): {
  ctx: EmulatorContext;
  clock: TestClock;
} {
  const clock = testClock(start);
  const store = new EmulatorStore({ now: () => clock.now });
  return { ctx: contextOver(store, "http://127.0.0.1:4999"), clock };
}

/** The app the GraphQL tests install: client `client-1`, served nowhere. */
export const GRAPHQL_TEST_APP = { apiKey: "client-1", apiSecret: "secret", appUrl: "http://127.0.0.1:1" };

export interface GraphqlTestEnv {
  store: EmulatorStore;
  context: EmulatorContext;
  shop: ShopRecord;
  clock: TestClock;
}

/** A store on 2026-11-01 with one BASIC shop, `demo.myshopify.com`, and the GraphQL tests' app. */
export function graphqlTestEnv(scopes: string[], shop: Partial<ShopRecord> = {}): GraphqlTestEnv {
  const clock = testClock(new Date("2026-11-01T00:00:00Z"));
  const store = new EmulatorStore({ now: () => clock.now });
  const context = contextOver(store, "http://127.0.0.1:1", { app: { ...GRAPHQL_TEST_APP, scopes } });
  return { store, context, shop: store.createShop({ domain: "demo.myshopify.com", plan: "BASIC", ...shop }), clock };
}

export function fakeRequest(
  method: string,
  pathAndQuery: string,
  options: {
    body?: string;
    headers?: Record<string, string>;
    shopDomain?: string | null;
    params?: Record<string, string>;
  } = {},
): EmulatorRequest {
  const url = new URL(pathAndQuery, "http://emulator.local");
  return {
    method,
    path: url.pathname,
    url,
    headers: options.headers ?? {},
    params: options.params ?? {},
    rawBody: Buffer.from(options.body ?? ""),
    shopDomain: options.shopDomain === undefined ? url.searchParams.get("shop") : options.shopDomain,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit` with every JSON object in the captures' `fixtures/` folder (each file parsed, walked depth-first,
 * an object before what it holds) and the path of its file.
 */
export function forEachCapturedObject(visit: (value: Record<string, unknown>, file: string) => void): void {
  const walk = (value: unknown, file: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, file));
    if (!isRecord(value)) return;
    visit(value, file);
    Object.values(value).forEach((child) => walk(child, file));
  };
  const visitDir = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visitDir(path);
      else if (name.endsWith(".json")) walk(JSON.parse(readFileSync(path, "utf8")), path);
    }
  };
  visitDir(join(CAPTURES_DIR, "fixtures"));
}

/** Ada Lovelace, not subscribed to email, with `c<id>@example.com`; created and updated at `at`. */
export function customerRecord(id: number, at: string, overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id,
    firstName: "Ada",
    lastName: "Lovelace",
    email: `c${id}@example.com`,
    phone: null,
    note: null,
    tags: [],
    state: "DISABLED",
    verifiedEmail: true,
    taxExempt: false,
    locale: "en",
    createdAt: at,
    updatedAt: at,
    emailMarketingConsent: {
      marketingState: "NOT_SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      consentUpdatedAt: null,
    },
    smsMarketingConsent: null,
    addresses: [],
    defaultAddressId: null,
    amountSpent: "0.00",
    numberOfOrders: 0,
    ...overrides,
  };
}
