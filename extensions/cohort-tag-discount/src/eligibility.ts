import { parseConfiguration, type TagDiscountConfiguration } from "./configuration.js";
import type { CartInput, DeliveryInput } from "./types.js";

/**
 * The configuration when this cart's buyer qualifies: a known customer for whom hasAnyTag(tags: $tags) is true.
 * The Function never sees the customer's tags, only that boolean; how tags compare (Shopify folds case, as it
 * does everywhere tags are matched) is Shopify's. A guest (no customer) never qualifies.
 */
export function qualifyingConfiguration(input: CartInput | DeliveryInput): TagDiscountConfiguration | null {
  const configuration = parseConfiguration(input.discount.metafield?.jsonValue);
  if (configuration === null) return null;
  return input.cart.buyerIdentity?.customer?.hasAnyTag === true ? configuration : null;
}
