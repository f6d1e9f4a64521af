import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { SHOPIFY_API_VERSION } from "../lib/api-version.js";
import { env } from "../env.server.js";
import { unauthenticated } from "../shopify.server.js";
import {
  AdminClient,
  ShopUnavailableError,
  type AccessTokenProvider,
  type AdminClientOptions,
} from "./admin-client.server.js";
import { createEmulatorFetch } from "./emulator-routing.js";

/** The library refreshes tokens within 5 minutes of expiry; reload the session a little before that. */
const RELOAD_WITHIN_MS = 6 * 60 * 1000;

interface SessionLike {
  accessToken?: string;
  expires?: Date;
  scope?: string;
}

/**
 * The shop's offline token, taken from the stored offline session through `unauthenticated.admin(shop)`, which
 * refreshes an expiring token (and stores the rotated one) when it is within 5 minutes of expiry — the
 * library's own `ensureValidOfflineSession`, not a re-implementation.
 */
export function offlineTokenProvider(
  shop: string,
  load: (shop: string) => Promise<{ session: SessionLike }> = unauthenticated.admin,
  now: () => number = Date.now,
): AccessTokenProvider & { scopes(): Promise<string[]> } {
  let session: SessionLike | null = null;
  const fresh = () =>
    session?.accessToken !== undefined && (!session.expires || session.expires.getTime() - now() > RELOAD_WITHIN_MS);
  const current = async (): Promise<SessionLike> => {
    if (!fresh()) {
      try {
        session = (await load(shop)).session;
      } catch (error) {
        if (error instanceof SessionNotFoundError) {
          throw new ShopUnavailableError(shop, null, `No offline session stored for ${shop}: install the app first`);
        }
        throw error;
      }
    }
    if (!session?.accessToken)
      throw new ShopUnavailableError(shop, null, `The offline session of ${shop} has no token`);
    return session;
  };
  return {
    async accessToken() {
      return (await current()).accessToken!;
    },
    invalidate() {
      session = null;
    },
    async scopes() {
      return (await current()).scope?.split(",").filter(Boolean) ?? [];
    },
  };
}

/** The fetch every background call uses: to the local Shopify when SHOPIFY_EMULATOR_URL is set. */
export function backgroundFetch(): typeof fetch {
  const emulator = env().SHOPIFY_EMULATOR_URL;
  return emulator ? createEmulatorFetch(emulator, globalThis.fetch) : globalThis.fetch;
}

/** The Admin client for background work on one shop, with its stored offline session. */
export function adminClientForShop(shop: string, options: Partial<AdminClientOptions> = {}): AdminClient {
  return backgroundAdmin(shop, options).client;
}

/** The client and the granted scopes of the shop's offline session (the backfill needs both). */
export function backgroundAdmin(
  shop: string,
  options: Partial<AdminClientOptions> = {},
): { client: AdminClient; scopes: () => Promise<string[]> } {
  const token = offlineTokenProvider(shop);
  const client = new AdminClient({
    shop,
    apiVersion: SHOPIFY_API_VERSION,
    token,
    fetch: backgroundFetch(),
    ...options,
  });
  return { client, scopes: () => token.scopes() };
}
