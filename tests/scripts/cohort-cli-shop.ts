import type { Database } from "../../app/db/client.server.js";
import { localEmulatorConfig } from "../../scripts/local-shopify.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";
import { VALID_ENV } from "./cohort-cli-harness.js";

export interface CliShop {
  emulator: RunningEmulator;
  control: EmulatorClient;
}

/**
 * A shop installed in a fresh local Shopify that knows the command line's app credentials, with Cohort's Shop row
 * and offline session in `db`: what a command needs to read and write the shop through the Admin API.
 */
export async function installedCliShop(
  db: Database,
  shop: { domain: string; name: string; ianaTimezone: string },
): Promise<CliShop> {
  const local = localEmulatorConfig("http://127.0.0.1:9");
  const emulator = await startEmulator({
    store: new EmulatorStore(),
    config: {
      ...local,
      app: { ...local.app, apiKey: VALID_ENV.SHOPIFY_API_KEY, apiSecret: VALID_ENV.SHOPIFY_API_SECRET },
    },
  });
  const control = new EmulatorClient(emulator.url);
  await control.createShop(shop);
  const installed = await control.install(shop.domain);
  await db.shop.create({ data: { domain: shop.domain, scopes: VALID_ENV.SCOPES } });
  await db.session.create({
    data: {
      id: `offline_${shop.domain}`,
      shop: shop.domain,
      state: "",
      isOnline: false,
      scope: VALID_ENV.SCOPES,
      accessToken: installed.accessToken,
    },
  });
  return { emulator, control };
}
