import { describe, expect, it } from "vitest";
import type { AdminGraphql } from "../../../../app/services/shop/ports.js";
import { shopTimeZones } from "../../../../app/services/shop/shop-time-zone.js";

describe("the shop's time zone", () => {
  it("given two shops, when read repeatedly within an hour, then Shopify is asked once per shop, and again after the hour", async () => {
    const asked: string[] = [];
    const zones: Record<string, string> = { "a.myshopify.com": "Europe/Berlin", "b.myshopify.com": "Pacific/Auckland" };
    const graphqlFor =
      (shop: string): AdminGraphql =>
      async <T>() => {
        asked.push(shop);
        return { shop: { ianaTimezone: zones[shop] } } as T;
      };
    let clock = 0;
    const timeZoneOf = shopTimeZones(graphqlFor, { ttlMs: 3_600_000, now: () => clock });

    expect(await timeZoneOf("a.myshopify.com")).toBe("Europe/Berlin");
    expect(await timeZoneOf("b.myshopify.com")).toBe("Pacific/Auckland");
    clock = 3_599_999;
    expect(await timeZoneOf("a.myshopify.com")).toBe("Europe/Berlin");
    expect(asked).toEqual(["a.myshopify.com", "b.myshopify.com"]);
    zones["a.myshopify.com"] = "America/Toronto";
    clock = 3_600_000;
    expect(await timeZoneOf("a.myshopify.com")).toBe("America/Toronto");
    expect(asked).toEqual(["a.myshopify.com", "b.myshopify.com", "a.myshopify.com"]);
  });
});
