/**
 * The formatting helpers of resolvers/format.ts at export speed, byte-identical to them (fast-format.test.ts
 * compares on random inputs): `dateTime` skips `Date` for the canonical ISO strings the store writes, and
 * `decimal` (BigInt arithmetic) is memoised, as a million orders repeat a few thousand amounts.
 */
import { dateTime, decimal } from "../graphql/resolvers/format.js";

const CANONICAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{3})?Z$/;

export function fastDateTime(iso: string | null): string | null {
  if (iso === null) return null;
  const match = CANONICAL_ISO.exec(iso);
  // Days past 28 may roll over into the next month in `Date`; leave them (and anything unusual) to the reference.
  if (
    match &&
    match[1] !== "0000" &&
    Number(match[2]) >= 1 &&
    Number(match[2]) <= 12 &&
    Number(match[3]) >= 1 &&
    Number(match[3]) <= 28 &&
    Number(match[4]) < 24 &&
    Number(match[5]) < 60 &&
    Number(match[6]) < 60
  ) {
    return iso.length === 20 ? iso : `${iso.slice(0, 19)}Z`;
  }
  return dateTime(iso);
}

const DECIMAL_CACHE_LIMIT = 200_000;
const decimals = new Map<string, string>();

export function fastDecimal(amount: string): string {
  let formatted = decimals.get(amount);
  if (formatted === undefined) {
    formatted = decimal(amount);
    if (decimals.size >= DECIMAL_CACHE_LIMIT) decimals.clear();
    decimals.set(amount, formatted);
  }
  return formatted;
}
