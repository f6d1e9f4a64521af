/**
 * Runs the local Shopify from the command line:
 *   npx tsx tests/shopify-emulator/cli.ts --port 4500 --app-url http://localhost:3000 --api-key KEY --api-secret SECRET \
 *     --toml shopify.app.toml --db <file|:memory:> [--seed-shop demo --customers 2000 --orders 10000 --seed 1] [--verbose]
 * (--verbose also prints the seeded shop's offline access token)
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse as parseToml } from "smol-toml";
import { readFileSync } from "node:fs";
import type { EmulatorConfig } from "./context.js";
import { startEmulator } from "./server.js";
import { EmulatorStore } from "./store/store.js";
import { EmulatorClient } from "./client.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4500" },
    host: { type: "string", default: "127.0.0.1" },
    "app-url": { type: "string", default: "http://localhost:3000" },
    "api-key": { type: "string" },
    "api-secret": { type: "string" },
    "app-handle": { type: "string" },
    toml: { type: "string", default: "shopify.app.toml" },
    db: { type: "string", default: ":memory:" },
    "time-scale": { type: "string", default: "1" },
    "seed-shop": { type: "string" },
    customers: { type: "string", default: "2000" },
    orders: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    plan: { type: "string" },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(
    readFileSync(new URL(import.meta.url), "utf8")
      .split("\n")
      .slice(1, 5)
      .join("\n"),
  );
  process.exit(0);
}

function readToml(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  return parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
}

const tomlPath = values.toml && existsSync(values.toml) ? values.toml : null;
const toml = tomlPath ? readToml(tomlPath) : {};
const access = (toml.access_scopes ?? {}) as { scopes?: unknown };
const apiKey = values["api-key"] ?? (typeof toml.client_id === "string" ? toml.client_id : "emulator-api-key");
const apiSecret = values["api-secret"] ?? process.env.SHOPIFY_API_SECRET ?? "emulator-api-secret";
const appHandle = values["app-handle"] ?? (typeof toml.handle === "string" ? toml.handle : "cohort");

const config: EmulatorConfig = {
  app: {
    apiKey,
    apiSecret,
    appUrl: values["app-url"]!,
    handle: appHandle,
    name: typeof toml.name === "string" ? toml.name : "Cohort",
    scopes:
      typeof access.scopes === "string"
        ? access.scopes
            .split(",")
            .map((scope) => scope.trim())
            .filter(Boolean)
        : [],
  },
  appTomlPath: tomlPath,
  timeScale: Number(values["time-scale"]),
  sessionTokenTtlSeconds: 60,
  accessTokenTtlSeconds: 3600,
};

const store = new EmulatorStore({ filename: values.db });
const emulator = await startEmulator({ port: Number(values.port), host: values.host, store, config });
console.log(`[shopify-emulator] listening on ${emulator.url} (db ${values.db}, toml ${tomlPath ?? "none"})`);

const seedShop = values["seed-shop"];
if (seedShop) {
  const client = new EmulatorClient(emulator.url);
  const domain = seedShop.endsWith(".myshopify.com") ? seedShop : `${seedShop}.myshopify.com`;
  const existing = store.getShopByDomain(domain);
  if (!existing) {
    await client.createShop({ domain, plan: values.plan as "BASIC" | undefined });
    const started = Date.now();
    const summary = await client.seed(domain, {
      seed: values.seed!,
      customers: Number(values.customers),
      orders: Number(values.orders),
    });
    console.log(
      `[shopify-emulator] seeded ${domain}: ${summary.customers} customers, ${summary.orders} orders in ${Date.now() - started} ms`,
    );
  }
  const installed = await client.install(domain);
  // The token is a credential: it goes to the terminal (and its scrollback, CI logs) only when asked for.
  console.log(
    `[shopify-emulator] app installed on ${domain}` +
      (values.verbose ? `; offline token ${installed.accessToken}` : " (--verbose prints its offline token)"),
  );
  const handle = domain.replace(/\.myshopify\.com$/, "");
  console.log(`[shopify-emulator] admin: ${emulator.url}/store/${handle}/apps/${appHandle}`);
}

const shutdown = (): void => {
  void emulator.close().then(() => {
    store.close();
    process.exit(0);
  });
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
