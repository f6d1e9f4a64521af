/**
 * How the app and the local Shopify are wired for development and tests: one place that knows the dev client
 * secret, ports and URLs, read by `npm run dev`, the browser tests and the end-to-end tests.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "smol-toml";

export const ROOT = resolve(import.meta.dirname, "..");

/** Not a secret: it only ever signs tokens between the app and the local Shopify on this machine. */
export const LOCAL_API_SECRET = "cohort-local-development-secret";

export interface AppToml {
  client_id: string;
  handle: string;
  name: string;
  access_scopes: { scopes: string };
}

export function readAppToml(path = resolve(ROOT, "shopify.app.toml")): AppToml {
  return parse(readFileSync(path, "utf8")) as unknown as AppToml;
}

export interface LocalEnvOptions {
  appUrl: string;
  emulatorUrl: string;
  databaseUrl: string;
}

/** The app's environment when it runs against the local Shopify. */
export function localAppEnv(options: LocalEnvOptions): Record<string, string> {
  const toml = readAppToml();
  return {
    SHOPIFY_API_KEY: toml.client_id,
    SHOPIFY_API_SECRET: LOCAL_API_SECRET,
    SHOPIFY_APP_URL: options.appUrl,
    SCOPES: toml.access_scopes.scopes,
    DATABASE_URL: options.databaseUrl,
    SHOPIFY_EMULATOR_URL: options.emulatorUrl,
    // Read by @shopify/shopify-app-remix: the framed app loads App Bridge from the local Shopify.
    APP_BRIDGE_URL: `${options.emulatorUrl}/app-bridge.js`,
  };
}

export interface LocalEmulatorConfig {
  app: { apiKey: string; apiSecret: string; appUrl: string; handle: string; name: string; scopes: string[] };
  appTomlPath: string;
  timeScale: number;
  sessionTokenTtlSeconds: number;
  accessTokenTtlSeconds: number;
}

/** The local Shopify's view of this app: what the Partner dashboard and the toml tell real Shopify. */
export function localEmulatorConfig(appUrl: string, overrides: Partial<LocalEmulatorConfig> = {}): LocalEmulatorConfig {
  const toml = readAppToml();
  return {
    app: {
      apiKey: toml.client_id,
      apiSecret: LOCAL_API_SECRET,
      appUrl,
      handle: toml.handle,
      name: toml.name,
      scopes: toml.access_scopes.scopes.split(","),
    },
    appTomlPath: resolve(ROOT, "shopify.app.toml"),
    timeScale: 1,
    sessionTokenTtlSeconds: 60,
    accessTokenTtlSeconds: 3600,
    ...overrides,
  };
}
