import "@shopify/shopify-app-remix/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { AppDistribution, shopifyApp, type ApiVersion } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server.js";
import { markShopInstalled } from "./db/shop/shops.server.js";
import { env } from "./env.server.js";
import { SHOPIFY_API_VERSION } from "./lib/api-version.js";
import { createAdminAuthenticator } from "./shopify/admin-authentication.server.js";
import { createEmulatorFetch } from "./shopify/emulator-routing.js";
import { observeTokenExchanges } from "./shopify/token-exchange-outcomes.js";

const config = env();

type ShopAuthenticatedListener = (shop: string) => void;
declare global {
  // Survives Vite's module reloads in development, as the background loops do.
  var cohortShopAuthenticatedListeners: Set<ShopAuthenticatedListener> | undefined;
}
const shopAuthenticatedListeners = (globalThis.cohortShopAuthenticatedListeners ??= new Set());

/**
 * Called after every token exchange, once the installation is recorded. The wiring (app/background) subscribes the
 * install backfill here, so this adapter never imports the jobs that depend on it.
 */
export function onShopAuthenticated(listener: ShopAuthenticatedListener): void {
  shopAuthenticatedListeners.add(listener);
}

// Against the local Shopify every call to https://<shop>.myshopify.com goes to the emulator; in production the
// library keeps Node's own fetch. Either way, token exchanges Shopify refuses are noted (see admin authentication).
setAbstractFetchFunc(
  observeTokenExchanges(
    config.SHOPIFY_EMULATOR_URL ? createEmulatorFetch(config.SHOPIFY_EMULATOR_URL, globalThis.fetch) : globalThis.fetch,
  ),
);

const AUTH_PATH_PREFIX = "/auth";

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: SHOPIFY_API_VERSION as ApiVersion,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: AUTH_PATH_PREFIX,
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    // Runs after every token exchange: record the installation, then tell the background work.
    afterAuth: async ({ session }) => {
      await markShopInstalled(db, session.shop, session.scope ?? null);
      for (const listener of shopAuthenticatedListeners) listener(session.shop);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = {
  ...shopify.authenticate,
  admin: createAdminAuthenticator(shopify.authenticate.admin, {
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: AUTH_PATH_PREFIX,
    log: (line) => console.warn(line),
  }),
};
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
