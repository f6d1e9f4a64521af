import type { EmulatorStore } from "./store/store.js";

/** The app the local Shopify knows about: what the Partner dashboard and `shopify.app.toml` say on real Shopify. */
export interface EmulatedApp {
  /** `client_id` in the toml; the `aud` of session tokens. */
  apiKey: string;
  apiSecret: string;
  /** Where the app is served; the admin page frames `${appUrl}/app`. */
  appUrl: string;
  handle: string;
  name: string;
  scopes: string[];
  /** The app's released Functions; absent: the Function extensions in the repository's `extensions/`. */
  functions?: EmulatedFunction[];
}

/** A Function released in the app (what `shopifyFunctions` lists): its id is Shopify's, its handle the extension's. */
export interface EmulatedFunction {
  id: string;
  handle: string;
  title: string;
  /** `discount` for the unified Discount API, `cart_transform`, `payment_customization`, … */
  apiType: string;
}

export interface EmulatorConfig {
  app: EmulatedApp;
  /** Path of `shopify.app.toml`; webhook subscriptions are read from it. */
  appTomlPath: string | null;
  /** Multiplies every Shopify delay (webhook retries, token lifetimes stay real): 0.001 makes 4 hours 14 s. */
  timeScale: number;
  /** Session-token lifetime in seconds (Shopify: 60). */
  sessionTokenTtlSeconds: number;
  /** Expiring offline access-token lifetime in seconds (Shopify: 3600). */
  accessTokenTtlSeconds: number;
}

export interface EmulatorContext {
  store: EmulatorStore;
  config: EmulatorConfig;
  /** The emulator's own origin, e.g. `http://127.0.0.1:4500`. Known once the server listens. */
  origin: () => string;
}
