import type { StoredShopSettings } from "../../domain/shop/shop-settings.js";

/**
 * The one thing services need from Shopify: run an Admin GraphQL document and get its data, or an error that says
 * what Shopify answered. Adapters (Remix's admin context, the background client) implement it.
 */
export type AdminGraphql = <TData>(query: string, variables?: Record<string, unknown>) => Promise<TData>;

export class ShopifyGraphqlError extends Error {
  constructor(
    message: string,
    readonly errors: unknown,
  ) {
    super(message);
    this.name = "ShopifyGraphqlError";
  }
}

/**
 * A shop whose offline token Shopify refuses (HTTP 401: the token was revoked, or the app was uninstalled before
 * its webhook arrived) gets no more background work, as after `app/uninstalled`: the inbox worker, reconciliation
 * and the backfill stop for it and report it through `ShopAccessRevoked`. The adapter marks the shop uninstalled
 * and drops its sessions, so the next visit to the app authenticates again (token exchange), and `afterAuth`
 * marks it installed: work resumes, unapplied webhooks included (they wait in the inbox meanwhile).
 */
export type ShopAccessRevoked = (shop: string, reason: string) => Promise<void>;

/** The shops Cohort holds anything about: it installed the app there, or it keeps sync state or webhooks of it. */
export interface ShopDirectory {
  isKnown(shop: string): Promise<boolean>;
}

/** A shop's own settings (ShopSettings); a column left null keeps the default. */
export interface ShopSettingsStore {
  settings(shop: string): Promise<StoredShopSettings>;
  /** Writes the given columns (null: back to the default), leaving the others as they are. */
  save(shop: string, changes: Partial<StoredShopSettings>, now: Date): Promise<void>;
}

/** The shop's currency as last read from Shopify (Shop.currencyCode); scoped by shop. */
export interface ShopCurrencyStore {
  /** Null until Shopify was first asked, or when Cohort has no row for the shop. */
  currencyCode(shop: string): Promise<string | null>;
  /** Records the currency on the shop's row (a shop Cohort has no row for is left alone). */
  saveCurrencyCode(shop: string, currencyCode: string): Promise<void>;
}
