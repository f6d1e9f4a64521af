import type { AdminGraphql } from "./ports.js";

export const SHOP_TIME_ZONE_QUERY = `#graphql
  query ShopTimeZone {
    shop {
      ianaTimezone
    }
  }
`;

interface ShopTimeZoneData {
  shop: { ianaTimezone: string };
}

export interface ShopTimeZoneOptions {
  /** A merchant rarely moves their shop's time zone: it is read again after this long. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The shop's IANA time zone, as its Admin settings say (`shop.ianaTimezone`): "today", "-30d" and the daily
 * evaluation at midnight are the shop's, not the server's. Kept per shop for `ttlMs`, so the webhook path reads
 * Shopify once an hour at most.
 */
export function shopTimeZones(
  graphqlFor: (shop: string) => AdminGraphql,
  { ttlMs = 60 * 60_000, now = Date.now }: ShopTimeZoneOptions = {},
): (shop: string) => Promise<string> {
  const known = new Map<string, { timeZone: string; readAt: number }>();
  return async (shop) => {
    const cached = known.get(shop);
    if (cached && now() - cached.readAt < ttlMs) return cached.timeZone;
    const data = await graphqlFor(shop)<ShopTimeZoneData>(SHOP_TIME_ZONE_QUERY);
    known.set(shop, { timeZone: data.shop.ianaTimezone, readAt: now() });
    return data.shop.ianaTimezone;
  };
}
