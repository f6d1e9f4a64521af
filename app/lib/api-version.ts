/**
 * The one Admin API version Cohort speaks. The Shopify client, `shopify.app.toml` (checked by a test),
 * GraphQL codegen and the local Shopify's vendored schema all follow this constant.
 */
export const SHOPIFY_API_VERSION = "2026-10" as const;
export type ShopifyApiVersion = typeof SHOPIFY_API_VERSION;
