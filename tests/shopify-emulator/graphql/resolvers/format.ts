import type { AddressRecord, MoneyPair } from "../../store/types.js";
import { toGid } from "../../store/types.js";
import { fromUnits, toUnits } from "../../store/money.js";

/** Shopify's DateTime: ISO 8601 in UTC to the second (`2026-07-03T05:57:18Z`). */
export function dateTime(iso: string): string;
export function dateTime(iso: string | null): string | null;
export function dateTime(iso: string | null): string | null {
  if (iso === null) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Shopify's Decimal scalar drops trailing zeros but keeps one fractional digit: `30.0`, `134.5`, `19.99`. */
export function decimal(amount: string): string {
  const normalized = fromUnits(toUnits(amount), 4);
  const [whole, fraction = ""] = normalized.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  return `${whole}.${trimmed === "" ? "0" : trimmed}`;
}

export function moneyV2(amount: string, currencyCode: string) {
  return { __typename: "MoneyV2", amount: decimal(amount), currencyCode };
}

export function moneyBag(pair: MoneyPair, shopCurrency: string, presentmentCurrency: string) {
  return {
    __typename: "MoneyBag",
    shopMoney: moneyV2(pair.shop, shopCurrency),
    presentmentMoney: moneyV2(pair.presentment, presentmentCurrency),
  };
}

function formattedArea(address: Omit<AddressRecord, "id">): string | null {
  const locality = [address.city, address.provinceCode].filter((part) => part).join(" ");
  const area = [locality, address.country].filter((part) => part).join(", ");
  return area === "" ? null : area;
}

/**
 * A MailingAddress. Customer addresses have ids on Shopify (`?model_name=CustomerAddress`); order addresses carry
 * none in the store, so `id` is left out for them rather than invented.
 */
export function mailingAddress(address: Omit<AddressRecord, "id"> & { id?: number }) {
  const name = [address.firstName, address.lastName].filter((part) => part).join(" ");
  return {
    __typename: "MailingAddress",
    ...(address.id !== undefined ? { id: `${toGid("MailingAddress", address.id)}?model_name=CustomerAddress` } : {}),
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    company: address.company,
    country: address.country,
    countryCode: address.countryCode,
    countryCodeV2: address.countryCode,
    firstName: address.firstName,
    lastName: address.lastName,
    name: name === "" ? null : name,
    phone: address.phone,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    formattedArea: formattedArea(address),
  };
}

/** Tags as Shopify lists them: sorted case-insensitively. */
export function sortedTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    if (x !== y) return x < y ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
